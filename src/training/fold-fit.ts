import type { TrainSettings } from '../config.ts';
import type { XGBoostLib } from '../models/xgboost/index.ts';
import {
  completeOnly,
  fitEnsemble,
  perSymbolUnits,
  POOLED,
  scoreRows,
  type FitUnit,
  type FittedEnsemble,
  type HeadValidation,
} from './ensemble.ts';
import type { FittedModels, ModelKind, TrainEvent } from './fit.ts';
import { inWindow, type Fold } from './folds.ts';
import type { ComponentScores } from './head.ts';
import type { Dataset } from '../dataset/panel.ts';
import { fitScaler } from '../dataset/scaler.ts';
import { hasSequence } from '../dataset/sequences.ts';

/** A unit with fewer rows than this in a fold is not fitted there (its rows are not scored). */
const MINIMUM_UNIT_ROWS = { train: 250, valid: 20 };

/** What every fold of one walk-forward shares: plain data, so a worker thread can be given it. */
export interface FoldJob {
  data: Dataset;
  horizonDays: number;
  settings: TrainSettings;
  models: readonly ModelKind[];
  seed: number;
  /** One model set per symbol (--per-symbol) instead of the pooled one. */
  perSymbol: boolean;
}

/**
 * A fitted fold, without its models: the scores of its test rows and the
 * heads that judge them. Plain data, so it crosses from a worker thread.
 */
export interface FoldOutcome {
  index: number;
  trainRows: number;
  validRows: number;
  /** The test rows every component scored. */
  rows: Int32Array;
  components: ComponentScores;
  heads: Pick<FittedEnsemble, 'head' | 'componentHeads' | 'base'>;
  /** What the head was fitted on, so it can be fitted again with more evidence (see judgeFolds). */
  validation: HeadValidation;
  /** The pooled model's fit (rounds, epochs); null for per-symbol units. */
  info: FittedModels['info'] | null;
}

export function foldUnits(data: Dataset, perSymbol: boolean): readonly FitUnit[] {
  return perSymbol ? perSymbolUnits(data) : POOLED;
}

/** The row subsets of one split: labelled rows, and rows with an LSTM history when it is used. */
export function rowsBetween(
  data: Dataset,
  from: number,
  to: number,
  usable: (r: number) => boolean,
): Int32Array {
  const rows: number[] = [];
  for (let r = 0; r < data.rows; r++) {
    const d = data.dateIndex[r];
    if (d >= from && d <= to && Number.isFinite(data.label[r]) && usable(r)) rows.push(r);
  }
  return Int32Array.from(rows);
}

export function usableRows(
  data: Dataset,
  models: readonly ModelKind[],
  timesteps: number,
): (r: number) => boolean {
  return models.includes('lstm') ? (r) => hasSequence(data, r, timesteps) : () => true;
}

/**
 * One walk-forward fold: a scaler, models and a head fitted on earlier rows only
 * (purged by the horizon; the head on the validation slice), then every
 * component scored on the fold's test rows. Null when no unit had rows to fit.
 */
export async function fitFold(
  job: FoldJob,
  fold: Fold,
  runtime: {
    xgbLib: XGBoostLib | null;
    xgbThreads?: number;
    /** XGBoost on a thread of its own beside the LSTM (see FoldRun). */
    xgbBeside?: boolean;
    onEvent?: (e: TrainEvent) => void;
  },
): Promise<FoldOutcome | null> {
  const { data, settings } = job;
  const usable = usableRows(data, job.models, settings.lstm.timesteps);
  const trainRows = rowsBetween(data, fold.trainStart, fold.trainEnd, usable);
  const validRows = rowsBetween(data, fold.validStart, fold.validEnd, usable);
  const testRows = rowsBetween(data, fold.testStart, fold.testEnd, usable);
  const units = foldUnits(data, job.perSymbol);
  const fitInput = {
    data,
    scaler: fitScaler(data, (r) => inWindow(data.dateIndex[r], fold)),
    trainRows,
    validRows,
    units,
    models: job.models,
    settings,
    seed: job.seed,
    xgbLib: runtime.xgbLib,
    ...(runtime.xgbThreads !== undefined ? { xgbThreads: runtime.xgbThreads } : {}),
    // One thread per fit is started: for the pooled model, not for each symbol's.
    ...(runtime.xgbBeside && units.length === 1 ? { xgbBeside: true } : {}),
    ...(runtime.onEvent ? { onEvent: runtime.onEvent } : {}),
  };
  const fitted = await fitEnsemble({ ...fitInput, minimumRows: MINIMUM_UNIT_ROWS });
  if (!fitted) return null;
  try {
    const { rows, components } = completeOnly(
      testRows,
      scoreRows(fitted, data, testRows, job.models),
    );
    return {
      index: fold.index,
      trainRows: trainRows.length,
      validRows: validRows.length,
      rows,
      components,
      heads: { head: fitted.head, componentHeads: fitted.componentHeads, base: fitted.base },
      validation: fitted.validation,
      info: units.length === 1 ? (fitted.units.values().next().value?.info ?? null) : null,
    };
  } finally {
    fitted.free();
  }
}
