import type { Context } from '../context.ts';
import { MlxError, errorMessage } from '../errors.ts';
import { loadModel } from '../registry/loaded-model.ts';
import type { Check } from './check.ts';
import { Home } from '../home-files/home.ts';

/**
 * Every promoted model, loaded the way predict loads it (manifest, feature
 * set, scaler, XGBoost booster, LSTM): a broken file fails here, named,
 * rather than at the next cron run of predict.
 */
export async function modelChecks(ctx: Context): Promise<Check[]> {
  const registry = Home.of(ctx).models;
  const checks: Check[] = [];
  for (const name of registry.names()) {
    try {
      const current = registry.currentVersion(name);
      if (!current) {
        checks.push({ name: `model ${name}`, ok: true, detail: 'no promoted version' });
        continue;
      }
      const model = await loadModel(registry, name, ctx.config.regime);
      const manifest = model.version.manifest;
      model.free();
      const files = manifest.files
        ? `its ${Object.keys(manifest.files).length} files match their checksums`
        : 'unchecked: written before versions recorded checksums (retrain to have them)';
      checks.push({
        name: `model ${name}`,
        ok: true,
        detail: `CURRENT ${current} loads (${manifest.models.join(', ') || 'rules only'}), ${files}, feature set ${manifest.feature_set.id}, trained on data up to ${manifest.data_range.until}`,
      });
    } catch (err) {
      checks.push({
        name: `model ${name}`,
        ok: false,
        detail: errorMessage(err),
        hint:
          err instanceof MlxError && err.hint
            ? err.hint
            : `retrain with mlx train, or promote a version that works: mlx models promote ${name} VERSION`,
      });
    }
  }
  return checks;
}
