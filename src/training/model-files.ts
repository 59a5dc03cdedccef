import fs from 'node:fs';
import path from 'node:path';
import type { Manifest } from '../registry/manifest.ts';
import type { FittedModels } from './fit.ts';
import type { Dataset } from './panel.ts';
import { scalerToFile, type Scaler } from './scaler.ts';
import type { WalkForwardResult } from './walk-forward.ts';

export interface ModelFiles {
  manifest: Manifest;
  walk: WalkForwardResult;
  fitted: FittedModels;
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
    note: 'walk-forward, out-of-sample: every figure is on test folds the models never trained on; all models and baselines on the same rows',
    walk_forward: files.walk.metrics,
    residual_quantiles: files.walk.residual_quantiles,
    folds: files.walk.folds,
    verdicts: files.verdicts,
  });
  const importance = files.fitted.xgb
    ? files.fitted.xgb.importance('total_gain', files.data.featureNames)
    : {};
  json('feature_importance.json', {
    schema: 'mlx.feature_importance/1',
    importance_type: 'total_gain',
    features: Object.entries(importance)
      .sort((a, b) => b[1] - a[1])
      .map(([name, gain]) => ({ name, gain })),
  });
  json('scaler.json', scalerToFile(files.scaler));
  if (files.fitted.xgb) fs.writeFileSync(path.join(dir, 'xgb.json'), files.fitted.xgb.saveJson());
  if (files.fitted.lstm) await files.fitted.lstm.save(path.join(dir, 'lstm'));
}
