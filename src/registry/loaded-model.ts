import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { RegimeThresholds } from '../config.ts';
import { DataError } from '../errors.ts';
import { assertFeatureSetMatches } from '../features/index.ts';
import { LstmModel } from '../models/lstm/index.ts';
import { Booster, loadXGBoost, type XGBoostLib } from '../models/xgboost/index.ts';
import type { Calibration } from '../training/calibration.ts';
import type { ComponentWeights } from '../training/ensemble.ts';
import { scalerFileSchema, scalerFromFile, type Scaler } from '../training/scaler.ts';
import { readValidated, type ModelRegistry, type ModelVersion } from './registry.ts';

const ensembleSchema = z.object({
  weights: z.object({ xgb: z.number(), lstm: z.number(), rules: z.number() }),
  calibration: z.object({ a: z.number(), b: z.number() }),
  interval: z.object({ level: z.number(), low: z.number(), high: z.number() }),
  lstm_target_scale: z.number(),
});

/** A promoted model version, loaded and ready to predict; call `free()` when done. */
export interface LoadedModel {
  version: ModelVersion;
  horizonDays: number;
  scaler: Scaler;
  xgb: Booster | null;
  xgbLib: XGBoostLib | null;
  lstm: LstmModel | null;
  lstmFeatures: readonly string[];
  lstmTimesteps: number;
  lstmTargetScale: number;
  calibration: Calibration;
  interval: { level: number; low: number; high: number };
  weights: ComponentWeights;
  free(): void;
}

/**
 * Load a model version for prediction. A model whose feature set differs from
 * this code's is refused: its inputs would silently mean something else.
 */
export async function loadModel(
  registry: ModelRegistry,
  name: string,
  regime: RegimeThresholds,
  versionId?: string,
): Promise<LoadedModel> {
  const version = versionId ? registry.get(name, versionId) : registry.current(name);
  const { manifest, dir } = version;
  assertFeatureSetMatches(manifest.feature_set.id, regime);
  const ensemble = ensembleSchema.safeParse(manifest.params.ensemble);
  if (!ensemble.success) {
    throw new DataError(
      `${path.join(dir, 'manifest.json')}: params.ensemble: ${ensemble.error.issues[0].message}`,
    );
  }
  const scaler = scalerFromFile(readValidated(path.join(dir, 'scaler.json'), scalerFileSchema));
  let xgb: Booster | null = null;
  let xgbLib: XGBoostLib | null = null;
  if (manifest.models.includes('xgb')) {
    xgbLib = loadXGBoost();
    xgb = Booster.loadJson(xgbLib, fs.readFileSync(path.join(dir, 'xgb.json'), 'utf8'));
  }
  const lstm = manifest.models.includes('lstm')
    ? await LstmModel.load(path.join(dir, 'lstm'))
    : null;
  const lstmParams = manifest.params.lstm as { timesteps?: number } | null;
  return {
    version,
    horizonDays: manifest.label.horizon_days,
    scaler,
    xgb,
    xgbLib,
    lstm,
    lstmFeatures: manifest.lstm_features,
    lstmTimesteps: lstmParams?.timesteps ?? 0,
    lstmTargetScale: ensemble.data.lstm_target_scale,
    calibration: ensemble.data.calibration,
    interval: ensemble.data.interval,
    weights: ensemble.data.weights,
    free() {
      xgb?.free();
      lstm?.dispose();
    },
  };
}
