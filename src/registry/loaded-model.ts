import path from 'node:path';
import { z } from 'zod';
import type { RegimeThresholds } from '../config.ts';
import { DataError } from '../errors.ts';
import { assertFeatureSetMatches } from '../features/index.ts';
import { LstmModel } from '../models/lstm/index.ts';
import { Booster, loadXGBoost, type XGBoostLib } from '../models/xgboost/index.ts';
import { POOLED_UNIT } from '../training/ensemble.ts';
import { headSchema, type Head } from '../training/head.ts';
import { scalerFileSchema, scalerFromFile, type Scaler } from '../training/scaler.ts';
import { loadModelPart, readModelText } from './model-part.ts';
import { readValidated, type ModelRegistry, type ModelVersion } from './registry.ts';

/** The parts of manifest.params that predict needs, checked on load. */
const paramsSchema = z.object({
  head: headSchema,
  feature_ranks: z.array(z.string()),
  /** Fitted units: '*' for the pooled model, else one per symbol (--per-symbol). */
  units: z.record(z.string(), z.object({ lstm_target_scale: z.number() })),
  lstm: z.object({ timesteps: z.number().int().positive() }).passthrough().nullable(),
});

/** One fitted model set: the pooled one, or one symbol's. */
export interface ModelUnit {
  xgb: Booster | null;
  lstm: LstmModel | null;
  lstmTargetScale: number;
}

/** A model version, loaded and ready to predict; call `free()` when done. */
export interface LoadedModel {
  version: ModelVersion;
  horizonDays: number;
  scaler: Scaler;
  xgbLib: XGBoostLib | null;
  lstmFeatures: readonly string[];
  lstmTimesteps: number;
  head: Head;
  /** Features XGBoost also sees ranked across the session's universe. */
  featureRanks: readonly string[];
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
  const manifestFile = path.join(dir, 'manifest.json');
  if (manifest.schema !== 'mlx.model/2') {
    throw new DataError(
      `${manifestFile}: ${manifest.schema} versions were made by an older mlx and predict differently`,
      'retrain with mlx train',
    );
  }
  assertFeatureSetMatches(manifest.feature_set.id, regime);
  const params = paramsSchema.safeParse(manifest.params);
  if (!params.success) {
    const issue = params.error.issues[0];
    throw new DataError(`${manifestFile}: params.${issue.path.join('.')}: ${issue.message}`);
  }
  const scalerFile = path.join(dir, 'scaler.json');
  const scaler = await loadModelPart(scalerFile, () =>
    scalerFromFile(readValidated(scalerFile, scalerFileSchema)),
  );
  const xgbLib = manifest.models.includes('xgb') ? loadXGBoost() : null;
  const units = new Map<string, ModelUnit>();
  try {
    for (const [key, figures] of Object.entries(params.data.units)) {
      const unitDir = key === POOLED_UNIT ? dir : path.join(dir, 'per_symbol', key);
      units.set(key, {
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
      });
    }
  } catch (err) {
    for (const unit of units.values()) freeUnit(unit);
    throw err;
  }
  return {
    version,
    horizonDays: manifest.label.horizon_days,
    scaler,
    xgbLib,
    lstmFeatures: manifest.lstm_features,
    lstmTimesteps: params.data.lstm?.timesteps ?? 0,
    head: params.data.head,
    featureRanks: params.data.feature_ranks,
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
