import fs from 'node:fs';
import path from 'node:path';
import type { Manifest } from '../registry/manifest.ts';
import { POOLED_UNIT } from './ensemble.ts';
import { xgbInputNames } from './fit.ts';
import { MIN_CROSS_SECTION } from './head.ts';
import { oosCsv } from './oos.ts';
import type { FittedModels } from './fit.ts';
import type { Dataset } from './panel.ts';
import { scalerToFile, type Scaler } from './scaler.ts';
import type { WalkForwardResult } from './walk-forward.ts';

export interface ModelFiles {
  manifest: Manifest;
  walk: WalkForwardResult;
  /** By unit: '*' for the pooled model, else one per symbol. */
  fitted: ReadonlyMap<string, FittedModels>;
  scaler: Scaler;
  data: Dataset;
  horizonDays: number;
  verdicts: string[];
}

/** Write one version's files into `dir` (a temp folder the registry renames into place). */
export async function writeModelFiles(dir: string, files: ModelFiles): Promise<void> {
  const json = (name: string, value: unknown) =>
    fs.writeFileSync(path.join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
  json('manifest.json', files.manifest);
  json('metrics.json', {
    schema: 'mlx.metrics/1',
    horizon_days: files.horizonDays,
    label: files.data.labelKind,
    note:
      'walk-forward, out-of-sample: every figure is on test folds the models never trained on, with heads fitted on validation rows; ' +
      'all models and baselines on the same rows (oos.csv). IC and Rank IC are daily cross-sectional correlations of the score with the ' +
      `realised log return over dates with at least ${MIN_CROSS_SECTION} symbols; t is Newey–West with horizon − 1 lags; ir is mean / sd of the daily series`,
    walk_forward: files.walk.metrics,
    folds: files.walk.folds,
    verdicts: files.verdicts,
  });
  if (files.walk.oos.length > 0)
    fs.writeFileSync(path.join(dir, 'oos.csv'), oosCsv(files.walk.oos));
  // Gain summed over every fitted unit (one for a pooled model).
  const importance: Record<string, number> = {};
  for (const fitted of files.fitted.values()) {
    if (!fitted.xgb) continue;
    for (const [name, gain] of Object.entries(
      fitted.xgb.importance('total_gain', xgbInputNames(files.data)),
    )) {
      importance[name] = (importance[name] ?? 0) + gain;
    }
  }
  json('feature_importance.json', {
    schema: 'mlx.feature_importance/1',
    importance_type: 'total_gain',
    features: Object.entries(importance)
      .sort((a, b) => b[1] - a[1])
      .map(([name, gain]) => ({ name, gain })),
  });
  json('scaler.json', scalerToFile(files.scaler));
  for (const [unit, fitted] of files.fitted) {
    const unitDir = unit === POOLED_UNIT ? dir : path.join(dir, 'per_symbol', unit);
    fs.mkdirSync(unitDir, { recursive: true });
    if (fitted.xgb) fs.writeFileSync(path.join(unitDir, 'xgb.json'), fitted.xgb.saveJson());
    if (fitted.lstm) await fitted.lstm.save(path.join(unitDir, 'lstm'));
  }
}
