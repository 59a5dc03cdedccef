import type { TrainSettings } from '../config.ts';
import type { Metrics } from '../evaluation/metrics.ts';
import type { XGBoostLib } from '../models/xgboost/index.ts';
import {
  completeRows,
  fitEnsemble,
  POOLED,
  scoreRows,
  type FitUnit,
  type FittedEnsemble,
} from './ensemble.ts';
import type { FittedModels, ModelKind, TrainEvent } from './fit.ts';
import { trainingWindow, walkForwardFolds, type Fold } from './folds.ts';
import { COMPONENTS, type ComponentScores } from './head.ts';
import { judgeFold, metricsOf, type Collected, type ScoredName } from './judge.ts';
import type { OosRow } from './oos.ts';
import type { Dataset } from './panel.ts';
import { fitScaler } from './scaler.ts';
import { hasSequence } from './sequences.ts';

export interface FoldReport {
  index: number;
  train: { from: string; to: string; rows: number };
  validation: { from: string; to: string; rows: number };
  test: { from: string; to: string; rows: number };
  xgb?: { rounds_run: number; best_iteration: number };
  lstm?: { epochs_run: number; samples: number; backend: string };
  /** How the fold's head combined the components, fitted on its validation rows. */
  ensemble: { weights: Record<string, number>; weighting: string; excess_per_score: number };
  ensemble_rank_ic: number | null;
  ensemble_directional_accuracy: number | null;
  /** Share of the fold's test rows inside the ensemble's 80% interval. */
  coverage: number | null;
}

export interface WalkForwardResult {
  folds: FoldReport[];
  metrics: Partial<Record<ScoredName, Metrics>>;
  /** Every scored test row (oos.csv). */
  oos: OosRow[];
}

/** A unit with fewer rows than this in a fold is not fitted there (its rows are not scored). */
const MINIMUM_UNIT_ROWS = { train: 250, valid: 20 };

export interface WalkForwardInput {
  data: Dataset;
  horizonDays: number;
  settings: TrainSettings;
  models: readonly ModelKind[];
  seed: number;
  xgbLib: XGBoostLib | null;
  onEvent?: (event: TrainEvent) => void;
  onFold?: (fold: FoldReport, of: number) => void;
  /** Default: the pooled model. */
  units?: readonly FitUnit[];
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

export function labelledDates(data: Dataset): number {
  let last = -1;
  for (let r = 0; r < data.rows; r++)
    if (Number.isFinite(data.y[r]) && data.dateIndex[r] > last) last = data.dateIndex[r];
  return last + 1;
}

export function usableRows(
  data: Dataset,
  models: readonly ModelKind[],
  timesteps: number,
): (r: number) => boolean {
  return models.includes('lstm') ? (r) => hasSequence(data, r, timesteps) : () => true;
}

/**
 * The final fit's rows: every labelled date up to the last, the most recent
 * `validationShare` of them for validation, purged by the horizon.
 */
export function finalFitRows(
  data: Dataset,
  models: readonly ModelKind[],
  settings: { lstm: { timesteps: number }; validationShare: number },
  horizonDays: number,
): { window: ReturnType<typeof trainingWindow>; trainRows: Int32Array; validRows: Int32Array } {
  const usable = usableRows(data, models, settings.lstm.timesteps);
  const window = trainingWindow(labelledDates(data) - 1, horizonDays, settings.validationShare);
  return {
    window,
    trainRows: rowsBetween(data, 0, window.trainEnd, usable),
    validRows: rowsBetween(data, window.validStart, window.validEnd, usable),
  };
}

/**
 * Expanding-window walk-forward: for each test fold, a scaler, models and a
 * head fitted on earlier rows only (purged by the horizon; the head on the
 * validation slice), then every model and baseline predicted on the fold's rows.
 */
export async function walkForward(input: WalkForwardInput): Promise<WalkForwardResult> {
  const { data, settings, horizonDays } = input;
  const folds = walkForwardFolds({
    labelledDates: labelledDates(data),
    horizonDays,
    testSessions: settings.testSessions,
    folds: settings.folds,
    validationShare: settings.validationShare,
  });
  const usable = usableRows(data, input.models, settings.lstm.timesteps);
  const collected = new Map<ScoredName, Collected>();
  const reports: FoldReport[] = [];
  const oos: OosRow[] = [];
  const units = input.units ?? POOLED;

  for (const fold of folds) {
    const trainRows = rowsBetween(data, 0, fold.trainEnd, usable);
    const validRows = rowsBetween(data, fold.validStart, fold.validEnd, usable);
    const testRows = rowsBetween(data, fold.testStart, fold.testEnd, usable);
    const scaler = fitScaler(data, (r) => data.dateIndex[r] <= fold.trainEnd);
    const fitInput = {
      ...input,
      scaler,
      trainRows,
      validRows,
      units,
    };
    const fitted = await fitEnsemble({ ...fitInput, minimumRows: MINIMUM_UNIT_ROWS });
    if (!fitted) continue;
    try {
      const scores = scoreRows(fitted.units, fitInput, testRows);
      const complete = completeRows(scores);
      const rows = testRows.filter((_, i) => complete[i]);
      const components: ComponentScores = {};
      for (const name of COMPONENTS) {
        const values = scores[name];
        if (values) components[name] = values.filter((_, i) => complete[i]);
      }
      const judged = judgeFold(data, fitted, rows, components, collected, fold.index);
      oos.push(...judged.oos);
      const report = foldReport(data, fold, trainRows, validRows, rows.length, fitted, units);
      report.ensemble_rank_ic = judged.rankIc;
      report.coverage = judged.coverage;
      report.ensemble_directional_accuracy = judged.directionalAccuracy;
      reports.push(report);
      input.onFold?.(report, folds.length);
    } finally {
      fitted.free();
    }
  }

  return { folds: reports, metrics: metricsOf(collected, horizonDays), oos };
}

function foldReport(
  data: Dataset,
  fold: Fold,
  trainRows: Int32Array,
  validRows: Int32Array,
  testRows: number,
  fitted: FittedEnsemble,
  units: readonly FitUnit[],
): FoldReport {
  const span = (from: number, to: number, rows: number) => ({
    from: data.dates[from],
    to: data.dates[Math.min(to, data.dates.length - 1)],
    rows,
  });
  const info: FittedModels['info'] | null =
    units.length === 1 ? (fitted.units.values().next().value?.info ?? null) : null;
  return {
    index: fold.index,
    train: span(0, fold.trainEnd, trainRows.length),
    validation: span(fold.validStart, fold.validEnd, validRows.length),
    test: span(fold.testStart, fold.testEnd, testRows),
    ...(info?.xgb
      ? { xgb: { rounds_run: info.xgb.rounds_run, best_iteration: info.xgb.best_iteration } }
      : {}),
    ...(info?.lstm
      ? {
          lstm: {
            epochs_run: info.lstm.epochs_run,
            samples: info.lstm.samples,
            backend: info.lstm.backend,
          },
        }
      : {}),
    ensemble: {
      weights: fitted.head.weights,
      weighting: fitted.head.weighting,
      excess_per_score: fitted.head.excess_per_score,
    },
    ensemble_rank_ic: null,
    ensemble_directional_accuracy: null,
    coverage: null,
  };
}
