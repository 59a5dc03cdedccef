import type { TrainSettings } from '../config.ts';
import { quantile } from '../evaluation/stats.ts';
import { Booster, DMatrix, type XGBoostLib } from '../models/xgboost/index.ts';
import { trainLstm, type LstmModel } from '../models/lstm/index.ts';
import { createRandom, shuffledIndices } from '../random.ts';
import { calibrated, fitPlatt, type Calibration } from './calibration.ts';
import { combine, rulesComponent, type ComponentWeights } from './ensemble.ts';
import type { Dataset } from './panel.ts';
import { buildSequences, columnIndices } from './sequences.ts';

export type ModelKind = 'xgb' | 'lstm';

/** What training reports as it goes; the CLI draws it, tests ignore it. */
export type TrainEvent =
  | { kind: 'xgb-round'; round: number; rounds: number }
  | { kind: 'lstm-epoch'; epoch: number; epochs: number; loss: number; valLoss: number | null };

export interface FitInput {
  data: Dataset;
  scaled: Float32Array;
  trainRows: Int32Array;
  validRows: Int32Array;
  models: readonly ModelKind[];
  settings: TrainSettings;
  weights: ComponentWeights;
  seed: number;
  xgbLib: XGBoostLib | null;
  onEvent?: (event: TrainEvent) => void;
}

export interface FittedModels {
  xgb: Booster | null;
  xgbLib: XGBoostLib | null;
  lstm: LstmModel | null;
  /** The LSTM learns y / lstmTargetScale; its outputs are multiplied back. */
  lstmTargetScale: number;
  /** P(up) from the ensemble's predicted return, fitted on the validation rows. */
  calibration: Calibration;
  /** Validation residual quantiles (actual − ensemble) for an 80% interval. */
  interval: { level: number; low: number; high: number };
  /** The components on the validation rows (what calibration and intervals were fitted on). */
  validation: ComponentPredictions;
  info: {
    xgb?: { rounds_run: number; best_iteration: number; stopped_early: boolean };
    lstm?: {
      epochs_run: number;
      best_epoch: number;
      samples: number;
      samples_per_second: number;
      backend: string;
    };
  };
  free(): void;
}

export interface ComponentPredictions {
  xgb?: Float64Array;
  lstm?: Float64Array;
  rules: Float64Array;
  ensemble: Float64Array;
  probabilityUp: Float64Array;
}

/** Fit XGBoost and the LSTM on training rows, early-stopped and calibrated on validation rows. */
export async function fitModels(input: FitInput): Promise<FittedModels> {
  const { data, scaled, trainRows, validRows, settings } = input;
  const info: FittedModels['info'] = {};
  let xgb: Booster | null = null;
  let lstm: LstmModel | null = null;
  let lstmTargetScale = 1;

  if (input.models.includes('xgb') && input.xgbLib) {
    const lib = input.xgbLib;
    const train = matrixFor(lib, data, scaled, trainRows, true);
    const valid = matrixFor(lib, data, scaled, validRows, true);
    try {
      const { rounds, earlyStoppingRounds, ...params } = settings.xgb;
      xgb = Booster.create(lib, {
        ...params,
        seed: input.seed,
        eval_metric: 'rmse',
        verbosity: 0,
        base_score: meanOf(data.y, trainRows),
      });
      const result = xgb.train({
        train,
        valid,
        rounds,
        earlyStoppingRounds,
        onIteration: (round) => input.onEvent?.({ kind: 'xgb-round', round: round + 1, rounds }),
      });
      info.xgb = {
        rounds_run: result.roundsRun,
        best_iteration: result.bestIteration,
        stopped_early: result.stoppedEarly,
      };
    } finally {
      train.free();
      valid.free();
    }
  }

  if (input.models.includes('lstm')) {
    const lstmSettings = settings.lstm;
    const columns = columnIndices(data.featureNames, lstmSettings.features);
    // The most recent sequences: the LSTM is the slow part, and recent markets matter most.
    const trainSample =
      trainRows.length > lstmSettings.maxSamples
        ? trainRows.slice(trainRows.length - lstmSettings.maxSamples)
        : trainRows;
    lstmTargetScale = stdOf(data.y, trainSample) || 1;
    const target = (rows: Int32Array) =>
      Float32Array.from(rows, (r) => data.y[r] / lstmTargetScale);
    const shuffle = shuffledIndices(trainSample.length, createRandom(input.seed));
    const shuffled = Int32Array.from(shuffle, (i) => trainSample[i]);
    const result = await trainLstm(
      {
        x: buildSequences(data, scaled, shuffled, columns, lstmSettings.timesteps),
        y: target(shuffled),
        samples: shuffled.length,
      },
      {
        x: buildSequences(data, scaled, validRows, columns, lstmSettings.timesteps),
        y: target(validRows),
        samples: validRows.length,
      },
      {
        timesteps: lstmSettings.timesteps,
        features: columns.length,
        units: lstmSettings.units,
        denseUnits: lstmSettings.denseUnits,
        epochs: lstmSettings.epochs,
        batchSize: lstmSettings.batchSize,
        learningRate: lstmSettings.learningRate,
        patience: lstmSettings.patience,
        seed: input.seed,
      },
      {
        onEpoch: (e) =>
          input.onEvent?.({
            kind: 'lstm-epoch',
            epoch: e.epoch + 1,
            epochs: lstmSettings.epochs,
            loss: e.loss,
            valLoss: e.valLoss,
          }),
      },
    );
    lstm = result.model;
    info.lstm = {
      epochs_run: result.epochsRun,
      best_epoch: result.bestEpoch,
      samples: shuffled.length,
      samples_per_second: Math.round(result.samplesPerSecond),
      backend: result.backend,
    };
  }

  const fitted: FittedModels = {
    xgb,
    xgbLib: input.xgbLib,
    lstm,
    lstmTargetScale,
    calibration: { a: 0, b: 0 },
    interval: { level: 0.8, low: 0, high: 0 },
    validation: {
      rules: new Float64Array(0),
      ensemble: new Float64Array(0),
      probabilityUp: new Float64Array(0),
    },
    info,
    free() {
      xgb?.free();
      lstm?.dispose();
    },
  };
  // Calibrate the ensemble and size its interval on validation rows (never training rows).
  const validation = predictComponents(fitted, input, validRows);
  fitted.validation = validation;
  fitted.calibration = fitPlatt(
    validation.ensemble,
    Float64Array.from(validRows, (r) => (data.y[r] > 0 ? 1 : 0)),
  );
  const residuals = Float64Array.from(validRows, (r, i) => data.y[r] - validation.ensemble[i]);
  fitted.interval = { level: 0.8, low: quantile(residuals, 0.1), high: quantile(residuals, 0.9) };
  withProbabilities(fitted, validation);
  return fitted;
}

/** Every component and the ensemble for `rows`, with the calibrated P(up). */
export function predictComponents(
  fitted: FittedModels,
  input: Pick<FitInput, 'data' | 'scaled' | 'settings' | 'weights'>,
  rows: Int32Array,
): ComponentPredictions {
  const { data, scaled, settings, weights } = input;
  const width = data.featureNames.length;
  const out: ComponentPredictions = {
    rules: Float64Array.from(rows, (r) => rulesComponent(data.rulesScore[r])),
    ensemble: new Float64Array(rows.length),
    probabilityUp: new Float64Array(rows.length),
  };
  if (fitted.xgb && rows.length > 0) {
    const values = new Float32Array(rows.length * width);
    rows.forEach((r, i) => values.set(scaled.subarray(r * width, (r + 1) * width), i * width));
    out.xgb = predictXgb(fitted.xgbLib as XGBoostLib, fitted.xgb, values, rows.length, width);
  }
  if (fitted.lstm && rows.length > 0) {
    const columns = columnIndices(data.featureNames, settings.lstm.features);
    const x = buildSequences(data, scaled, rows, columns, settings.lstm.timesteps);
    out.lstm = Float64Array.from(
      fitted.lstm.predict(x, rows.length),
      (v) => v * fitted.lstmTargetScale,
    );
  }
  for (let i = 0; i < rows.length; i++) {
    out.ensemble[i] = combine(
      { xgb: out.xgb?.[i], lstm: out.lstm?.[i], rules: out.rules[i] },
      weights,
    );
  }
  return withProbabilities(fitted, out);
}

/** P(up) from the calibration (recomputed after calibrating on validation rows). */
function withProbabilities(fitted: FittedModels, out: ComponentPredictions): ComponentPredictions {
  for (let i = 0; i < out.ensemble.length; i++)
    out.probabilityUp[i] = calibrated(fitted.calibration, out.ensemble[i]);
  return out;
}

export function predictXgb(
  lib: XGBoostLib,
  booster: Booster,
  values: Float32Array,
  rows: number,
  width: number,
): Float64Array {
  const matrix = DMatrix.fromFloat32(lib, values, rows, width);
  try {
    return Float64Array.from(booster.predict(matrix));
  } finally {
    matrix.free();
  }
}

function matrixFor(
  lib: XGBoostLib,
  data: Dataset,
  scaled: Float32Array,
  rows: Int32Array,
  withLabels: boolean,
): DMatrix {
  const width = data.featureNames.length;
  const values = new Float32Array(rows.length * width);
  rows.forEach((r, i) => values.set(scaled.subarray(r * width, (r + 1) * width), i * width));
  return DMatrix.fromFloat32(lib, values, rows.length, width, {
    labels: withLabels ? Float32Array.from(rows, (r) => data.y[r]) : undefined,
    featureNames: data.featureNames,
  });
}

function meanOf(values: Float64Array, rows: Int32Array): number {
  let sum = 0;
  for (const r of rows) sum += values[r];
  return rows.length ? sum / rows.length : 0;
}

function stdOf(values: Float64Array, rows: Int32Array): number {
  const m = meanOf(values, rows);
  let ss = 0;
  for (const r of rows) ss += (values[r] - m) ** 2;
  return rows.length > 1 ? Math.sqrt(ss / (rows.length - 1)) : 0;
}
