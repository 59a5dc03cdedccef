import {
  Booster,
  DMatrix,
  quantileDMatrix,
  type RowBatches,
  type XGBoostLib,
} from '../models/xgboost/index.ts';
import type { LstmModel } from '../models/lstm/index.ts';
import type { FitInput, FittedModels } from './fit-input.ts';
import { rowsByDate } from '../dataset/cross-section.ts';
import { MIN_CROSS_SECTION } from '../evaluation/stats.ts';
import { dailyRankIc } from './daily-rank-ic.ts';
import { fillInputs, xgbInputNames, xgbInputs } from '../dataset/model-inputs.ts';
import type { Dataset } from '../dataset/panel.ts';
import type { Scaler } from '../dataset/scaler.ts';
import { fitLstm, meanOf } from './fit-lstm.ts';
import { averageBoosters } from '../models/xgboost/bag.ts';
import { ConfigError } from '../errors.ts';
import { fitXgbOnThread } from './xgb-thread.ts';

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

  const withXgb = input.models.includes('xgb') && input.xgbLib !== null;
  const withLstm = input.models.includes('lstm');
  // Both models on their own threads at once, when asked (the fits are independent).
  const beside =
    withXgb && withLstm && input.xgbBeside
      ? fitXgbOnThread(input, input.xgbLib as XGBoostLib)
      : null;
  beside?.catch(() => undefined);
  try {
    if (withXgb && !beside) {
      const fitted = fitXgb(input, input.xgbLib as XGBoostLib);
      xgb = fitted.booster;
      info.xgb = fitted.info;
    }
    if (withLstm) {
      const fitted = await fitLstm(input);
      lstm = fitted.model;
      lstmTargetScale = fitted.targetScale;
      info.lstm = fitted.info;
      input.onLstmFitted?.({ lstm, lstmTargetScale });
    }
    if (beside) {
      const fitted = await beside;
      xgb = fitted.booster;
      info.xgb = fitted.info;
    }
  } catch (err) {
    xgb?.free();
    lstm?.dispose();
    // A booster still on its way is freed once it arrives.
    beside?.then(
      (fitted) => fitted.booster.free(),
      () => undefined,
    );
    throw err;
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

/**
 * XGBoost on the training rows, its round chosen on the validation rows. With
 * `bag` above one, that many boosters, each with its own seed and its own bin
 * placement (seed + i), averaged into one model (see averageBoosters).
 */
export function fitXgb(
  input: FitInput,
  lib: XGBoostLib,
): { booster: Booster; info: NonNullable<FittedModels['info']['xgb']> } {
  const { data, scaler, validRows } = input;
  const names = xgbInputNames(data);
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
    const members = bagSeeds(input);
    if (members.length === 1) return fitXgbMember(input, lib, valid, members[0]);
    const models: string[] = [];
    const rounds: NonNullable<FittedModels['info']['xgb']>[] = [];
    for (const seed of members) {
      const member = fitXgbMember(input, lib, valid, seed);
      models.push(member.booster.saveJson());
      rounds.push(member.info);
      member.booster.free();
    }
    const booster = Booster.loadJson(lib, averageBoosters(models));
    return {
      booster,
      info: {
        rounds_run: Math.max(...rounds.map((r) => r.rounds_run)),
        best_iteration: Math.round(
          rounds.reduce((sum, r) => sum + r.best_iteration, 0) / rounds.length,
        ),
        stopped_early: rounds.every((r) => r.stopped_early),
        members: rounds.map((r) => r.best_iteration),
      },
    };
  } finally {
    valid.free();
  }
}

/**
 * The seeds of the bag's boosters. Boosters that nothing draws (bins placed on every
 * row, every row and column) would be the same tree for tree, so such a bag is one.
 */
function bagSeeds(input: FitInput): number[] {
  const { bag, binRows, subsample, colsample_bytree, colsample_bynode } = input.settings.xgb;
  // binSampleRows places the bins on a sample exactly when there are more rows than binRows.
  const drawn =
    (binRows > 0 && input.trainRows.length > binRows) ||
    subsample < 1 ||
    colsample_bytree < 1 ||
    (colsample_bynode ?? 1) < 1;
  return Array.from({ length: drawn ? bag : 1 }, (_, i) => input.seed + i);
}

/** One booster (the only one, or one of a bag), early-stopped on the validation rows' daily Rank IC. */
function fitXgbMember(
  input: FitInput,
  lib: XGBoostLib,
  valid: DMatrix,
  seed: number,
): { booster: Booster; info: NonNullable<FittedModels['info']['xgb']> } {
  const { data, scaler, validRows, settings } = input;
  const { rounds, earlyStoppingRounds, binRows, bag, ...params } = settings.xgb;
  // A ranking objective compares the rows of one date: its query group.
  const ranking = params.objective.startsWith('rank:');
  const trainRows = ranking ? byDate(data, input.trainRows) : input.trainRows;
  const sample = binSampleRows(input.trainRows, binRows, seed);
  const train = quantileDMatrix(lib, trainingBatches(data, scaler, trainRows), {
    maxBin: settings.xgb.max_bin,
    ...(sample ? { binSample: trainingBatches(data, scaler, sample) } : {}),
    featureNames: xgbInputNames(data),
    threads: input.xgbThreads ?? settings.xgb.nthread,
  });
  try {
    if (ranking) train.setGroups(groupSizes(data, trainRows));
    const xgb = Booster.create(lib, {
      ...params,
      ...(input.xgbThreads !== undefined ? { nthread: input.xgbThreads } : {}),
      seed,
      eval_metric: 'rmse',
      verbosity: 0,
      base_score: meanOf(data.label, trainRows),
    });
    // The round is chosen by what the model is for, ranking: the validation rows' daily Rank
    // IC (checked every 10 rounds). A validation set without cross-sections (one symbol, or
    // --per-symbol units) falls back to XGBoost's RMSE.
    const groups = [...rowsByDate(Int32Array.from(validRows, (r) => data.dateIndex[r])).values()];
    const ranked = groups.some((g) => g.length >= MIN_CROSS_SECTION);
    if (ranking && !ranked) {
      throw new ConfigError(
        `train.xgb.objective ${params.objective} orders the stocks of each date, and this fit has fewer than ${MIN_CROSS_SECTION} a date (one symbol, or --per-symbol).`,
        'use reg:squarederror for it',
      );
    }
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
  }
}

/**
 * The rows XGBoost's histogram bins are placed on: every k-th training row, k the
 * smallest step that keeps at most `binRows`, from an offset the seed draws (null:
 * every row). Trees grown on every row and column are otherwise the same for any
 * seed, yet a change this small moves their walk-forward Rank IC as much as a seed
 * moves a sampled booster's (README, "Measured on the skill bench"); drawing the
 * offset lets the seeds show that spread instead of hiding it.
 */
export function binSampleRows(
  trainRows: Int32Array,
  binRows: number,
  seed: number,
): Int32Array | null {
  const step = binRows > 0 ? Math.ceil(trainRows.length / binRows) : 1;
  if (step <= 1) return null;
  const offset = ((seed % step) + step) % step;
  return trainRows.filter((_, i) => i % step === offset);
}

/** The rows in date order (stable: within a date, as given). */
export function byDate(data: Dataset, rows: Int32Array): Int32Array {
  let last = 0;
  for (const r of rows) last = Math.max(last, data.dateIndex[r]);
  const start = new Int32Array(last + 2);
  for (const r of rows) start[data.dateIndex[r] + 1]++;
  for (let d = 1; d < start.length; d++) start[d] += start[d - 1];
  const ordered = new Int32Array(rows.length);
  for (const r of rows) ordered[start[data.dateIndex[r]]++] = r;
  return ordered;
}

/** The sizes of the runs of one date in rows ordered by date. */
export function groupSizes(data: Dataset, rows: Int32Array): Uint32Array {
  const sizes: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (i === 0 || data.dateIndex[rows[i]] !== data.dateIndex[rows[i - 1]]) sizes.push(0);
    sizes[sizes.length - 1]++;
  }
  return Uint32Array.from(sizes);
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
