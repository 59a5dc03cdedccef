import { configSchema, type TrainSettings } from '../config.ts';
import { DataError } from '../errors.ts';
import { LstmModel } from '../models/lstm/index.ts';
import type { Booster, XGBoostLib } from '../models/xgboost/index.ts';
import {
  completeOnly,
  ensembleModel,
  fitHeads,
  POOLED_UNIT,
  scoreRows,
} from '../training/ensemble.ts';
import type { FittedModels, ModelKind } from '../training/fit.ts';
import { judgeFold, metricsOf, type Collected, type ScoredName } from '../training/judge.ts';
import { buildDataset, loadPanel } from '../dataset/panel.ts';
import { finalFitRows } from '../training/walk-forward.ts';
import type { datasetSettingsLike } from './like-version.ts';
import { loadModelPart } from './model-part.ts';
import type { ModelVersionV2 } from './registry.ts';
import { readScaler } from './scaler-file.ts';
import type { PriceStore } from '../store/price-store.ts';
import { lstmDir } from './layout.ts';

/**
 * The like version's dataset, window and components, with the new booster:
 * the rows, scaler, LSTM and rules are the version's own, so an identical
 * booster gives an identical head.
 */
export async function refitLike(
  /** Opens the home's store read-only (the Home's), closed once the bars are read. */
  readStore: () => Pick<PriceStore, 'adjusted' | 'symbolInfo' | 'close'>,
  like: ModelVersionV2,
  settings: ReturnType<typeof datasetSettingsLike>,
  booster: Booster,
  lib: XGBoostLib,
) {
  const { manifest } = like;
  const models = manifest.models as ModelKind[];
  const { params } = manifest;
  const train: TrainSettings = {
    ...settings.config.train,
    ...(models.includes('lstm')
      ? { lstm: configSchema.parse({ train: { lstm: params.lstm } }).train.lstm }
      : {}),
  };
  const store = readStore();
  let panel;
  try {
    panel = loadPanel(store, manifest.symbols, manifest.data_range.until, settings.config);
  } finally {
    store.close();
  }
  const data = buildDataset(panel, settings.horizonDays, settings.config);
  if (
    data.symbols.join() !== manifest.symbols.join() ||
    data.dates.at(-1) !== manifest.data_range.until
  )
    throw new DataError(
      `the store no longer holds the data ${like.name}/${like.version} was trained on (${manifest.symbols.length} symbols up to ${manifest.data_range.until})`,
      'import into a home with that data, or retrain with mlx train',
    );
  const { window, trainRows, validRows } = finalFitRows(
    data,
    models,
    {
      lstm: train.lstm,
      validationShare: settings.validationShare,
      trainSessions: settings.trainSessions,
    },
    settings.horizonDays,
  );
  const scaler = readScaler(like.dir);
  const lstmFolder = lstmDir(like.dir);
  const lstm = models.includes('lstm')
    ? await loadModelPart(lstmFolder, () => LstmModel.load(lstmFolder))
    : null;
  const fitted: FittedModels = {
    xgb: booster,
    xgbLib: lib,
    lstm,
    lstmTargetScale: params.units[POOLED_UNIT]?.lstm_target_scale ?? 1,
    info: {},
    free: () => lstm?.dispose(),
  };
  try {
    const model = ensembleModel(new Map([[POOLED_UNIT, fitted]]), {
      data,
      scaler,
      settings: train,
      xgbLib: lib,
    });
    const scores = scoreRows(model, data, validRows, models);
    const heads = fitHeads(data, trainRows, { rows: validRows, scores }, { weighting: train.head });
    // Judged on the same rows, as walk-forward judges a fold's test rows.
    const { rows, components } = completeOnly(validRows, scores);
    const collected = new Map<ScoredName, Collected>();
    judgeFold(data, heads, rows, components, collected, 0);
    return {
      head: heads.head,
      trainingRows: trainRows.length,
      validation: {
        from: data.dates[window.validStart],
        to: data.dates[window.validEnd],
        rows: rows.length,
      },
      metrics: metricsOf(collected, settings.horizonDays),
    };
  } finally {
    lstm?.dispose();
  }
}
