import path from 'node:path';
import { z } from 'zod';
import type { RegimeThresholds } from '../config.ts';
import { DataError } from '../errors.ts';
import { assertFeatureSetMatches } from '../features/index.ts';
import { LstmModel } from '../models/lstm/index.ts';
import { Booster, loadXGBoost, type XGBoostLib } from '../models/xgboost/index.ts';
import type { Calibration } from '../training/calibration.ts';
import { POOLED_UNIT, type ComponentWeights } from '../training/ensemble.ts';
import { scalerFileSchema, scalerFromFile, type Scaler } from '../training/scaler.ts';
import { loadModelPart, readModelText } from './model-part.ts';
import { readValidated, type ModelRegistry, type ModelVersion } from './registry.ts';

const unitSchema = z.object({
  calibration: z.object({ a: z.number(), b: z.number() }),
  interval: z.object({ level: z.number(), low: z.number(), high: z.number() }),
  lstm_target_scale: z.number(),
});
/** params.ensemble: the pooled model's figures inline, or one set per symbol (--per-symbol). */
const ensembleSchema = z.union([
  unitSchema.extend({
    weights: z.object({ xgb: z.number(), lstm: z.number(), rules: z.number() }),
  }),
  z.object({
    weights: z.object({ xgb: z.number(), lstm: z.number(), rules: z.number() }),
    per_symbol: z.record(z.string(), unitSchema),
  }),
]);

/** One fitted model set: the pooled one, or one symbol's. */
export interface ModelUnit {
  xgb: Booster | null;
  lstm: LstmModel | null;
  lstmTargetScale: number;
  calibration: Calibration;
  interval: { level: number; low: number; high: number };
}

/** A model version, loaded and ready to predict; call `free()` when done. */
export interface LoadedModel {
  version: ModelVersion;
  horizonDays: number;
  scaler: Scaler;
  xgbLib: XGBoostLib | null;
  lstmFeatures: readonly string[];
  lstmTimesteps: number;
  weights: ComponentWeights;
  /** The unit that predicts a symbol: the pooled model, or the symbol's own; null if none. */
  unitFor(symbol: string): ModelUnit | null;
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
  const scalerFile = path.join(dir, 'scaler.json');
  const scaler = await loadModelPart(scalerFile, () =>
    scalerFromFile(readValidated(scalerFile, scalerFileSchema)),
  );
  const xgbLib = manifest.models.includes('xgb') ? loadXGBoost() : null;
  const units = new Map<string, ModelUnit>();
  const loadUnit = async (
    unitDir: string,
    figures: z.infer<typeof unitSchema>,
  ): Promise<ModelUnit> => ({
    xgb: xgbLib
      ? await loadModelPart(path.join(unitDir, 'xgb.json'), () =>
          Booster.loadJson(xgbLib, readModelText(path.join(unitDir, 'xgb.json'))),
        )
      : null,
    lstm: manifest.models.includes('lstm')
      ? await loadModelPart(path.join(unitDir, 'lstm'), () =>
          LstmModel.load(path.join(unitDir, 'lstm')),
        )
      : null,
    lstmTargetScale: figures.lstm_target_scale,
    calibration: figures.calibration,
    interval: figures.interval,
  });
  try {
    if ('per_symbol' in ensemble.data) {
      for (const [symbol, figures] of Object.entries(ensemble.data.per_symbol)) {
        units.set(symbol, await loadUnit(path.join(dir, 'per_symbol', symbol), figures));
      }
    } else {
      units.set(POOLED_UNIT, await loadUnit(dir, ensemble.data));
    }
  } catch (err) {
    for (const unit of units.values()) freeUnit(unit);
    throw err;
  }
  const lstmParams = manifest.params.lstm as { timesteps?: number } | null;
  return {
    version,
    horizonDays: manifest.label.horizon_days,
    scaler,
    xgbLib,
    lstmFeatures: manifest.lstm_features,
    lstmTimesteps: lstmParams?.timesteps ?? 0,
    weights: ensemble.data.weights,
    unitFor: (symbol) => units.get(POOLED_UNIT) ?? units.get(symbol) ?? null,
    free() {
      for (const unit of units.values()) freeUnit(unit);
    },
  };
}

function freeUnit(unit: ModelUnit): void {
  unit.xgb?.free();
  unit.lstm?.dispose();
}
