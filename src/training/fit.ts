import type { TrainSettings } from '../config.ts';
import { Booster, DMatrix, type XGBoostLib } from '../models/xgboost/index.ts';
import { trainLstm, type LstmModel } from '../models/lstm/index.ts';
import { createRandom, shuffledIndices } from '../random.ts';
import { rankInputName, rowsByDate } from './cross-section.ts';
import { dailyRankIc, MIN_CROSS_SECTION, type ComponentScores } from './head.ts';
import type { Dataset } from './panel.ts';
import { scaleDataset, type Scaler } from './scaler.ts';
import { buildSequences, columnIndices } from './sequences.ts';

export type ModelKind = 'xgb' | 'lstm';

/** What training reports as it goes; the CLI draws it, tests ignore it. */
export type TrainEvent =
  | { kind: 'xgb-round'; round: number; rounds: number }
  | { kind: 'lstm-epoch'; epoch: number; epochs: number; loss: number; valLoss: number | null };

export interface FitInput {
  data: Dataset;
  /** The dataset's features scaled per symbol (scaler fitted on training rows): XGBoost's inputs. */
  scaled: Float32Array;
  /**
   * The same scaled with the pooled (all-symbol) moments: the LSTM's inputs, so a
   * sequence keeps the levels that tell one stock from another on the same day.
   */
  lstmInputs: Float32Array;
  trainRows: Int32Array;
  validRows: Int32Array;
  models: readonly ModelKind[];
  settings: TrainSettings;
  seed: number;
  xgbLib: XGBoostLib | null;
  onEvent?: (event: TrainEvent) => void;
  /** Start the LSTM from this model's weights (a replay's previous monthly fit) when shapes match. */
  lstmWarmStart?: LstmModel;
}

/** Epochs of an LSTM fit that starts from a previous fit's weights. */
const WARM_EPOCHS = 2;

/** Both scalings of a dataset, with a scaler fitted on training rows (the LSTM's only when it trains). */
export function scaledInputs(
  scaler: Scaler,
  data: Dataset,
  models: readonly ModelKind[],
): Pick<FitInput, 'scaled' | 'lstmInputs'> {
  return {
    scaled: scaleDataset(scaler, data),
    lstmInputs: models.includes('lstm')
      ? scaleDataset(scaler, data, 'pooled')
      : new Float32Array(0),
  };
}

/** One unit's component models (the pooled model, or one symbol's). */
export interface FittedModels {
  xgb: Booster | null;
  xgbLib: XGBoostLib | null;
  lstm: LstmModel | null;
  /** The LSTM learns label / lstmTargetScale; its outputs are multiplied back. */
  lstmTargetScale: number;
  info: {
    xgb?: { rounds_run: number; best_iteration: number; stopped_early: boolean };
    lstm?: {
      warm_start: boolean;
      epochs_run: number;
      best_epoch: number;
      samples: number;
      samples_per_second: number;
      backend: string;
    };
  };
  free(): void;
}

/**
 * Fit XGBoost and the LSTM on training rows to the processed label, early-stopped
 * on validation rows. The head that turns their scores into a forecast is fitted
 * afterwards, on validation rows of every unit (see head.ts).
 */
export async function fitModels(input: FitInput): Promise<FittedModels> {
  const { data, scaled, trainRows, validRows, settings } = input;
  const info: FittedModels['info'] = {};
  let xgb: Booster | null = null;
  let lstm: LstmModel | null = null;
  let lstmTargetScale = 1;

  if (input.models.includes('xgb') && input.xgbLib) {
    const lib = input.xgbLib;
    const train = matrixFor(lib, data, scaled, trainRows);
    const valid = matrixFor(lib, data, scaled, validRows);
    try {
      const { rounds, earlyStoppingRounds, ...params } = settings.xgb;
      xgb = Booster.create(lib, {
        ...params,
        seed: input.seed,
        eval_metric: 'rmse',
        verbosity: 0,
        base_score: meanOf(data.label, trainRows),
      });
      // The round is chosen by what the model is for, ranking: the validation rows' daily Rank
      // IC (checked every 10 rounds). A validation set without cross-sections (one symbol, or
      // --per-symbol units) falls back to XGBoost's RMSE.
      const groups = [...rowsByDate(Int32Array.from(validRows, (r) => data.dateIndex[r])).values()];
      const ranked = groups.some((g) => g.length >= MIN_CROSS_SECTION);
      const realised = Float64Array.from(validRows, (r) => data.y[r]);
      const result = xgb.train({
        train,
        valid,
        rounds,
        ...(ranked
          ? {
              validationScore: {
                name: 'rank_ic',
                every: 10,
                patience: earlyStoppingRounds,
                score: (predictions: Float32Array) =>
                  dailyRankIc(Float64Array.from(predictions), realised, groups) ?? -Infinity,
              },
            }
          : { earlyStoppingRounds }),
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
    // The LSTM is the slow part: it sees at most maxSamples sequences, spread evenly over the
    // training rows (every symbol, every period), since it learns a cross-sectional label.
    const trainSample = evenlySpaced(trainRows, lstmSettings.maxSamples);
    const validSample = evenlySpaced(validRows, Math.ceil(lstmSettings.maxSamples / 2));
    lstmTargetScale = stdOf(data.label, trainSample) || 1;
    const target = (rows: Int32Array) =>
      Float32Array.from(rows, (r) => data.label[r] / lstmTargetScale);
    const shuffle = shuffledIndices(trainSample.length, createRandom(input.seed));
    const shuffled = Int32Array.from(shuffle, (i) => trainSample[i]);
    const previous = input.lstmWarmStart?.architecture;
    const warm =
      previous &&
      previous.timesteps === lstmSettings.timesteps &&
      previous.features === columns.length &&
      previous.units === lstmSettings.units &&
      previous.denseUnits === lstmSettings.denseUnits
        ? input.lstmWarmStart?.weights()
        : undefined;
    const result = await trainLstm(
      {
        x: buildSequences(data, input.lstmInputs, shuffled, columns, lstmSettings.timesteps),
        y: target(shuffled),
        samples: shuffled.length,
      },
      // Early stopping needs a loss, not every validation row: an even sample keeps it cheap.
      {
        x: buildSequences(data, input.lstmInputs, validSample, columns, lstmSettings.timesteps),
        y: target(validSample),
        samples: validSample.length,
      },
      {
        timesteps: lstmSettings.timesteps,
        features: columns.length,
        units: lstmSettings.units,
        denseUnits: lstmSettings.denseUnits,
        // A warm start already fits last month's rows: a pass or two adapts it.
        epochs: warm ? Math.min(WARM_EPOCHS, lstmSettings.epochs) : lstmSettings.epochs,
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
      warm,
    );
    lstm = result.model;
    info.lstm = {
      warm_start: warm !== undefined,
      epochs_run: result.epochsRun,
      best_epoch: result.bestEpoch,
      samples: shuffled.length,
      samples_per_second: Math.round(result.samplesPerSecond),
      backend: result.backend,
    };
  }

  return {
    xgb,
    xgbLib: input.xgbLib,
    lstm,
    lstmTargetScale,
    info,
    free() {
      xgb?.free();
      lstm?.dispose();
    },
  };
}

/** Every component's raw score for `rows`: the models' predicted label and the rules' points. */
export function componentScores(
  fitted: FittedModels,
  input: Pick<FitInput, 'data' | 'scaled' | 'lstmInputs' | 'settings'>,
  rows: Int32Array,
): ComponentScores {
  const { data, scaled, settings } = input;
  const out: ComponentScores = { rules: Float64Array.from(rows, (r) => data.rulesScore[r]) };
  if (fitted.xgb && rows.length > 0) {
    const names = xgbInputNames(data);
    out.xgb = predictXgb(
      fitted.xgbLib as XGBoostLib,
      fitted.xgb,
      xgbInputs(data, scaled, rows),
      rows.length,
      names.length,
    );
  }
  if (fitted.lstm && rows.length > 0) {
    const columns = columnIndices(data.featureNames, settings.lstm.features);
    const x = buildSequences(data, input.lstmInputs, rows, columns, settings.lstm.timesteps);
    out.lstm = Float64Array.from(
      fitted.lstm.predict(x, rows.length),
      (v) => v * fitted.lstmTargetScale,
    );
  }
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

/** XGBoost's inputs: the scaled features, then their per-date ranks (when used). */
export function xgbInputNames(data: Dataset): string[] {
  return [...data.featureNames, ...data.rankedNames.map(rankInputName)];
}

/** rows × xgbInputNames, row-major. */
function xgbInputs(data: Dataset, scaled: Float32Array, rows: Int32Array): Float32Array {
  const width = data.featureNames.length;
  const k = data.rankedNames.length;
  const values = new Float32Array(rows.length * (width + k));
  rows.forEach((r, i) => {
    values.set(scaled.subarray(r * width, (r + 1) * width), i * (width + k));
    values.set(data.ranks.subarray(r * k, (r + 1) * k), i * (width + k) + width);
  });
  return values;
}

function matrixFor(
  lib: XGBoostLib,
  data: Dataset,
  scaled: Float32Array,
  rows: Int32Array,
): DMatrix {
  const names = xgbInputNames(data);
  return DMatrix.fromFloat32(lib, xgbInputs(data, scaled, rows), rows.length, names.length, {
    labels: Float32Array.from(rows, (r) => data.label[r]),
    featureNames: names,
  });
}

/** At most `count` of `rows`, evenly spaced (all of them when there are fewer). */
export function evenlySpaced(rows: Int32Array, count: number): Int32Array {
  if (rows.length <= count) return rows;
  return Int32Array.from(
    { length: count },
    (_, i) => rows[Math.floor(((i + 0.5) * rows.length) / count)],
  );
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
