import type { Context } from '../context.ts';
import { featureSetIdentity } from '../features/index.ts';
import type { ManifestV2 } from '../registry/manifest.ts';
import { readMetrics } from '../registry/metrics-file.ts';
import { writeTrainedVersion } from '../registry/version-files.ts';
import type { FittedModels } from '../training/fit.ts';
import { libraryVersions } from '../training/libraries.ts';
import type { Dataset } from '../dataset/panel.ts';
import { decidePromotion, metricsVerdicts } from '../training/verdicts.ts';
import type { WalkForwardResult } from '../training/walk-forward.ts';
import { MLX_VERSION } from '../version.ts';
import type { FinalFit, TrainOptions, TrainPlan } from './train-plan.ts';
import { Home } from '../home-files/home.ts';

/** The new version: verdicts, the promotion decision, the manifest, the files; promoted if so decided. */
export async function saveVersion(
  ctx: Context,
  options: TrainOptions,
  plan: TrainPlan,
  run: { name: string; data: Dataset; walk: WalkForwardResult; final: FinalFit },
) {
  const { name, data, walk, final } = run;
  const { settings, models, horizonDays } = plan;
  const { fitted } = final;
  const first = fitted.units.values().next().value as FittedModels;
  const registry = Home.of(ctx).models;
  const now = ctx.now();
  const version = registry.newVersionId(now, name);
  const featureSet = featureSetIdentity(ctx.config.regime);
  const verdicts =
    options.walkForward === false
      ? ['walk-forward evaluation skipped for this version']
      : metricsVerdicts(walk);
  const champion = registry.currentVersion(name);
  const promotion = decidePromotion(
    options.promote,
    walk,
    champion ? { version: champion, metrics: readMetrics(registry.get(name, champion).dir) } : null,
  );
  const manifest: ManifestV2 = {
    schema: 'mlx.model/2',
    name,
    version,
    mlx_version: MLX_VERSION,
    created_at: now.toISOString(),
    data_range: { from: data.dates[0], until: data.dates.at(-1) as string },
    symbols: data.symbols,
    feature_set: { id: featureSet.id, hash: featureSet.hash, names: [...featureSet.names] },
    lstm_features: models.includes('lstm') ? [...settings.lstm.features] : [],
    label: { kind: 'forward_log_return', horizon_days: horizonDays, processor: data.labelKind },
    models,
    per_symbol: options.perSymbol === true,
    params: {
      xgb: models.includes('xgb') ? settings.xgb : null,
      lstm: models.includes('lstm') ? settings.lstm : null,
      walk_forward: {
        folds: settings.folds,
        test_sessions: settings.testSessions,
        validation_share: settings.validationShare,
        purge_sessions: horizonDays,
        train_sessions: settings.trainSessions,
      },
      head: fitted.head,
      // XGBoost also sees these features' per-date ranks across the universe.
      feature_ranks: [...data.rankedNames],
      units: Object.fromEntries(
        [...fitted.units].map(([unit, f]) => [unit, { lstm_target_scale: f.lstmTargetScale }]),
      ),
      final_fit: options.perSymbol ? { units: fitted.units.size } : first.info,
    },
    seed: plan.seed,
    libraries: await libraryVersions(plan.xgbLib, first.info.lstm?.backend),
    training_rows: final.trainRows,
    promotion: {
      decision: promotion.promote ? 'promoted' : 'kept_champion',
      reason: promotion.reason,
    },
  };
  const dir = await registry.create(name, version, (temp) =>
    writeTrainedVersion(temp, {
      manifest,
      walk,
      fitted: fitted.units,
      scaler: final.scaler,
      data,
      horizonDays,
      verdicts,
    }),
  );
  if (promotion.promote) registry.promote(name, version);
  ctx.log.info(`${promotion.promote ? 'promoted' : 'not promoted'}: ${promotion.reason}`);
  return { version, dir, manifest, promotion, verdicts };
}
