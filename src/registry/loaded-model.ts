import path from 'node:path';
import type { RegimeThresholds } from '../config.ts';
import { assertFeatureSetMatches } from '../features/index.ts';
import { LstmModel } from '../models/lstm/index.ts';
import { Booster, loadXGBoost } from '../models/xgboost/index.ts';
import { POOLED_UNIT } from '../training/ensemble.ts';
import type { Head } from '../training/head.ts';
import type { ModelUnit, ScoringModel } from '../inference/score-components.ts';
import { verifyVersion } from './checksums.ts';
import { loadModelPart, readModelText } from './model-part.ts';
import { currentFormat, type ModelRegistry, type ModelVersion } from './registry.ts';
import { readScaler, SCALER_FILE } from './scaler-file.ts';
import { boosterFile, lstmDir, unitDir } from './layout.ts';

/**
 * A model version, loaded and ready to predict; call `free()` when done. It
 * scores as a fitted ensemble does (ScoringModel).
 */
export interface LoadedModel extends ScoringModel {
  version: ModelVersion;
  horizonDays: number;
  head: Head;
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
  const version = currentFormat(
    versionId ? registry.get(name, versionId) : registry.current(name),
    ' and predict differently',
  );
  const { manifest, dir } = version;
  const { params } = manifest;
  // Every file checked before any is used: a changed file is refused, never predicted with.
  verifyVersion(
    dir,
    manifest.files,
    `retrain with mlx train, or promote a version that works: mlx models promote ${name} VERSION (mlx models ls lists them); or restore the file from a backup`,
  );
  assertFeatureSetMatches(manifest.feature_set.id, regime);
  const scaler = await loadModelPart(path.join(dir, SCALER_FILE), () => readScaler(dir));
  const xgbLib = manifest.models.includes('xgb') ? loadXGBoost() : null;
  const units = new Map<string, ModelUnit>();
  try {
    for (const [key, figures] of Object.entries(params.units)) {
      const folder = unitDir(dir, key);
      units.set(key, {
        xgb: xgbLib
          ? await loadModelPart(boosterFile(folder), () =>
              Booster.loadJson(xgbLib, readModelText(boosterFile(folder))),
            )
          : null,
        lstm: manifest.models.includes('lstm')
          ? await loadModelPart(lstmDir(folder), () => LstmModel.load(lstmDir(folder)))
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
    lstmTimesteps: params.lstm?.timesteps ?? 0,
    head: params.head,
    featureRanks: params.feature_ranks,
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
