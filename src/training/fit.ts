import {
  Booster,
  DMatrix,
  quantileDMatrix,
  type RowBatches,
  type XGBoostLib,
} from '../models/xgboost/index.ts';
import type { LstmModel } from '../models/lstm/index.ts';
import type { FitInput, FittedModels } from './fit-input.ts';
import { rankInputName, rowsByDate } from './cross-section.ts';
import { MIN_CROSS_SECTION } from '../evaluation/stats.ts';
import { dailyRankIc } from './daily-rank-ic.ts';
import type { ComponentScores } from './head.ts';
import type { Dataset } from './panel.ts';
import { scaleInto, type Scaler } from './scaler.ts';
import { fitLstm, meanOf } from './fit-lstm.ts';
import { buildSequences, columnIndices } from './sequences.ts';

export type { FitInput, FittedModels, ModelKind, TrainEvent } from './fit-input.ts';

/**
 * Fit XGBoost and the LSTM on training rows to the processed label, early-stopped
 * on validation rows. The head that turns their scores into a forecast is fitted
 * afterwards, on validation rows of every unit (see head.ts).
 */
export async function fitModels(input: FitInput): Promise<FittedModels> {
  const info: FittedModels['info'] = {};
  let xgb: Booster | null = null;
  let lstm: LstmModel | null = null;
  let lstmTargetScale = 1;

  if (input.models.includes('xgb') && input.xgbLib) {
    const fitted = fitXgb(input, input.xgbLib);
    xgb = fitted.booster;
    info.xgb = fitted.info;
  }

  if (input.models.includes('lstm')) {
    const fitted = await fitLstm(input);
    lstm = fitted.model;
    lstmTargetScale = fitted.targetScale;
    info.lstm = fitted.info;
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

/** XGBoost on the training rows, its round chosen on the validation rows. */
function fitXgb(
  input: FitInput,
  lib: XGBoostLib,
): { booster: Booster; info: NonNullable<FittedModels['info']['xgb']> } {
  const { data, scaler, trainRows, validRows, settings } = input;
  const names = xgbInputNames(data);
  const { rounds, earlyStoppingRounds, binRows, ...params } = settings.xgb;
  const step = binRows > 0 ? Math.ceil(trainRows.length / binRows) : 1;
  const train = quantileDMatrix(lib, trainingBatches(data, scaler, trainRows), {
    maxBin: settings.xgb.max_bin,
    ...(step > 1
      ? {
          binRows: trainingBatches(
            data,
            scaler,
            trainRows.filter((_, i) => i % step === 0),
          ),
        }
      : {}),
    featureNames: names,
    threads: input.xgbThreads ?? settings.xgb.nthread,
  });
  const valid = DMatrix.fromFloat32(
    lib,
    xgbInputs(data, scaler, validRows),
    validRows.length,
    names.length,
    {
      labels: Float32Array.from(validRows, (r) => data.label[r]),
      featureNames: names,
    },
  );
  try {
    const xgb = Booster.create(lib, {
      ...params,
      ...(input.xgbThreads !== undefined ? { nthread: input.xgbThreads } : {}),
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
    return {
      booster: xgb,
      info: {
        rounds_run: result.roundsRun,
        best_iteration: result.bestIteration,
        stopped_early: result.stoppedEarly,
      },
    };
  } finally {
    train.free();
    valid.free();
  }
}

/** Every component's raw score for `rows`: the models' predicted label and the rules' points. */
export function componentScores(
  fitted: FittedModels,
  input: Pick<FitInput, 'data' | 'scaler' | 'settings'>,
  rows: Int32Array,
): ComponentScores {
  const { data, scaler, settings } = input;
  const out: ComponentScores = { rules: Float64Array.from(rows, (r) => data.rulesScore[r]) };
  const width = xgbInputNames(data).length;
  const columns = columnIndices(data.featureNames, settings.lstm.features);
  if (fitted.xgb && rows.length > 0) out.xgb = new Float64Array(rows.length);
  if (fitted.lstm && rows.length > 0) out.lstm = new Float64Array(rows.length);
  // In blocks: a validation slice of a large universe would otherwise build its
  // inputs (and the LSTM's sequences, timesteps × larger) all at once.
  for (let start = 0; start < rows.length; start += SCORING_BLOCK) {
    const block = rows.subarray(start, Math.min(start + SCORING_BLOCK, rows.length));
    if (fitted.xgb && out.xgb) {
      const inputs = xgbInputs(data, scaler, block);
      const scores = predictXgb(
        fitted.xgbLib as XGBoostLib,
        fitted.xgb,
        inputs,
        block.length,
        width,
      );
      out.xgb.set(scores, start);
    }
    if (fitted.lstm && out.lstm) {
      const x = buildSequences(data, scaler, block, columns, settings.lstm.timesteps);
      const scores = fitted.lstm.predict(x, block.length);
      for (let i = 0; i < block.length; i++)
        out.lstm[start + i] = scores[i] * fitted.lstmTargetScale;
    }
  }
  return out;
}

/** Rows scored at a time by componentScores. */
const SCORING_BLOCK = 16384;

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

/** rows × xgbInputNames, row-major: each row scaled with its symbol's moments, then its ranks. */
export function xgbInputs(data: Dataset, scaler: Scaler, rows: Int32Array): Float32Array {
  const width = data.featureNames.length + data.rankedNames.length;
  const values = new Float32Array(rows.length * width);
  fillInputs(data, scaler, rows, values);
  return values;
}

function fillInputs(
  data: Dataset,
  scaler: Scaler,
  rows: ArrayLike<number>,
  out: Float32Array,
): void {
  const width = data.featureNames.length;
  const k = data.rankedNames.length;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const symbol = data.symbols[data.symbolIndex[r]];
    scaleInto(scaler, symbol, data.x.subarray(r * width, (r + 1) * width), out, i * (width + k));
    out.set(data.ranks.subarray(r * k, (r + 1) * k), i * (width + k) + width);
  }
}

/** The training rows' inputs and labels, batch by batch (see quantileDMatrix). */
function trainingBatches(data: Dataset, scaler: Scaler, rows: Int32Array): RowBatches {
  return {
    rows: rows.length,
    cols: data.featureNames.length + data.rankedNames.length,
    fill(start, count, values, labels) {
      const batch = rows.subarray(start, start + count);
      fillInputs(data, scaler, batch, values);
      for (let i = 0; i < count; i++) labels[i] = data.label[batch[i]];
    },
  };
}
