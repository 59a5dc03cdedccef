import fs from 'node:fs';
import path from 'node:path';
import type { FittedModels } from '../training/fit.ts';
import { xgbInputNames } from '../dataset/model-inputs.ts';
import { MIN_CROSS_SECTION } from '../evaluation/stats.ts';
import type { Dataset } from '../dataset/panel.ts';
import type { Scaler } from '../dataset/scaler.ts';
import type { WalkForwardResult } from '../training/walk-forward.ts';
import { writeJson } from './json-file.ts';
import { MANIFEST_FILE, type ManifestV2 } from './manifest.ts';
import { writeMetrics } from './metrics-file.ts';
import { writeOos } from './oos-file.ts';
import { SCALER_FILE, writeScaler } from './scaler-file.ts';
import { boosterFile, lstmDir, unitDir } from './layout.ts';

export const IMPORTANCE_FILE = 'feature_importance.json';

export interface TrainedVersion {
  manifest: ManifestV2;
  walk: WalkForwardResult;
  /** By unit: '*' for the pooled model, else one per symbol. */
  fitted: ReadonlyMap<string, FittedModels>;
  scaler: Scaler;
  data: Dataset;
  horizonDays: number;
  verdicts: string[];
}

export function writeManifest(dir: string, manifest: ManifestV2): void {
  writeJson(path.join(dir, MANIFEST_FILE), manifest);
}

/** feature_importance.json: features by XGBoost gain, largest first. */
export function writeImportance(dir: string, importance: Record<string, number>): void {
  writeJson(path.join(dir, IMPORTANCE_FILE), {
    schema: 'mlx.feature_importance/1',
    importance_type: 'total_gain',
    features: Object.entries(importance)
      .sort((a, b) => b[1] - a[1])
      .map(([name, gain]) => ({ name, gain })),
  });
}

/** Write a trained version's files into `dir` (a temp folder the registry renames into place). */
export async function writeTrainedVersion(dir: string, files: TrainedVersion): Promise<void> {
  writeManifest(dir, files.manifest);
  writeMetrics(dir, {
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
  writeOos(dir, files.walk.oos);
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
  writeImportance(dir, importance);
  writeScaler(dir, files.scaler);
  for (const [unit, fitted] of files.fitted) {
    const folder = unitDir(dir, unit);
    fs.mkdirSync(folder, { recursive: true });
    if (fitted.xgb) fs.writeFileSync(boosterFile(folder), fitted.xgb.saveJson());
    if (fitted.lstm) await fitted.lstm.save(lstmDir(folder));
  }
}

/**
 * An imported version's model files: the like version's scaler and LSTM, and
 * the new booster (`models import`).
 */
export function writeImportedModels(
  dir: string,
  like: { dir: string; manifest: { models: readonly string[] } },
  boosterJson: string,
): void {
  fs.copyFileSync(path.join(like.dir, SCALER_FILE), path.join(dir, SCALER_FILE));
  fs.writeFileSync(boosterFile(dir), boosterJson);
  if (like.manifest.models.includes('lstm'))
    fs.cpSync(lstmDir(like.dir), lstmDir(dir), { recursive: true });
}
