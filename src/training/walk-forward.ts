import type { TrainSettings } from '../config.ts';
import { computeMetrics, type Metrics, type ScoredRows } from '../evaluation/metrics.ts';
import { quantile } from '../evaluation/stats.ts';
import type { XGBoostLib } from '../models/xgboost/index.ts';
import { calibrated, fitPlatt } from './calibration.ts';
import type { ComponentWeights } from './ensemble.ts';
import { fitModels, predictComponents, type ModelKind, type TrainEvent } from './fit.ts';
import { walkForwardFolds, type Fold } from './folds.ts';
import type { Dataset } from './panel.ts';
import { fitScaler, scaleDataset } from './scaler.ts';
import { hasSequence } from './sequences.ts';

/** Every model and baseline scored on the same out-of-sample rows. */
export const SCORED = [
  'xgb',
  'lstm',
  'ensemble',
  'zero_change',
  'always_up',
  'momentum',
  'rules',
] as const;
export type ScoredName = (typeof SCORED)[number];

export interface FoldReport {
  index: number;
  train: { from: string; to: string; rows: number };
  validation: { from: string; to: string; rows: number };
  test: { from: string; to: string; rows: number };
  xgb?: { rounds_run: number; best_iteration: number };
  lstm?: { epochs_run: number; samples: number; backend: string };
  ensemble_directional_accuracy: number | null;
}

export interface WalkForwardResult {
  folds: FoldReport[];
  metrics: Partial<Record<ScoredName, Metrics>>;
  /** Out-of-sample residual quantiles of the ensemble (actual − predicted), pooled over folds. */
  residual_quantiles: { level: number; low: number; high: number };
}

export interface WalkForwardInput {
  data: Dataset;
  horizonDays: number;
  settings: TrainSettings;
  models: readonly ModelKind[];
  weights: ComponentWeights;
  seed: number;
  xgbLib: XGBoostLib | null;
  onEvent?: (event: TrainEvent) => void;
  onFold?: (fold: FoldReport, of: number) => void;
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
    if (d >= from && d <= to && Number.isFinite(data.y[r]) && usable(r)) rows.push(r);
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
 * Expanding-window walk-forward: for each test fold, a scaler and models fitted
 * on earlier rows only (purged by the horizon), validation carved from those,
 * and every model and baseline predicted on the fold's rows.
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
  const collected = new Map<
    ScoredName,
    {
      dateIndex: number[];
      predicted: number[];
      probabilityUp: number[];
      actual: number[];
      low: number[];
      high: number[];
    }
  >();
  const add = (
    name: ScoredName,
    d: number,
    predicted: number,
    p: number,
    actual: number,
    interval?: [number, number],
  ) => {
    let c = collected.get(name);
    if (!c)
      collected.set(
        name,
        (c = { dateIndex: [], predicted: [], probabilityUp: [], actual: [], low: [], high: [] }),
      );
    c.dateIndex.push(d);
    c.predicted.push(predicted);
    c.probabilityUp.push(p);
    c.actual.push(actual);
    if (interval) {
      c.low.push(interval[0]);
      c.high.push(interval[1]);
    }
  };
  const reports: FoldReport[] = [];
  const residuals: number[] = [];
  const ret1 = data.featureNames.indexOf('ret_1');
  const width = data.featureNames.length;

  for (const fold of folds) {
    const trainRows = rowsBetween(data, 0, fold.trainEnd, usable);
    const validRows = rowsBetween(data, fold.validStart, fold.validEnd, usable);
    const testRows = rowsBetween(data, fold.testStart, fold.testEnd, usable);
    const scaler = fitScaler(data, (r) => data.dateIndex[r] <= fold.trainEnd);
    const scaled = scaleDataset(scaler, data);
    const fitted = await fitModels({ ...input, scaled, trainRows, validRows });
    try {
      const valid = fitted.validation;
      const test = predictComponents(
        fitted,
        { data, scaled, settings, weights: input.weights },
        testRows,
      );
      const validUps = Float64Array.from(validRows, (r) => (data.y[r] > 0 ? 1 : 0));
      const xgbCalibration = valid.xgb ? fitPlatt(valid.xgb, validUps) : null;
      const lstmCalibration = valid.lstm ? fitPlatt(valid.lstm, validUps) : null;

      // Baselines learn only from training rows.
      const trainUps = Array.from(trainRows, (r) => (data.y[r] > 0 ? 1 : 0));
      const upRate = trainUps.reduce((a: number, b) => a + b, 0) / trainRows.length;
      const meanReturn =
        Array.from(trainRows, (r) => data.y[r]).reduce((a, b) => a + b, 0) / trainRows.length;
      const upAfter = { up: [0, 0], down: [0, 0] };
      trainRows.forEach((r, i) => {
        const bucket = data.x[r * width + ret1] >= 0 ? upAfter.up : upAfter.down;
        bucket[0] += trainUps[i];
        bucket[1]++;
      });
      const rulesCalibration = fitPlatt(
        Float64Array.from(trainRows, (r) => data.rulesScore[r]),
        Float64Array.from(trainUps),
      );

      testRows.forEach((r, i) => {
        const d = data.dateIndex[r];
        const actual = data.y[r];
        const ensemble = test.ensemble[i];
        add('ensemble', d, ensemble, test.probabilityUp[i], actual, [
          ensemble + fitted.interval.low,
          ensemble + fitted.interval.high,
        ]);
        residuals.push(actual - ensemble);
        if (test.xgb && xgbCalibration)
          add('xgb', d, test.xgb[i], calibrated(xgbCalibration, test.xgb[i]), actual);
        if (test.lstm && lstmCalibration)
          add('lstm', d, test.lstm[i], calibrated(lstmCalibration, test.lstm[i]), actual);
        add('zero_change', d, 0, NaN, actual);
        add('always_up', d, Math.max(meanReturn, 1e-9), upRate, actual);
        const last = data.x[r * width + ret1];
        const bucket = last >= 0 ? upAfter.up : upAfter.down;
        add('momentum', d, last, bucket[1] ? bucket[0] / bucket[1] : upRate, actual);
        add('rules', d, test.rules[i], calibrated(rulesCalibration, data.rulesScore[r]), actual);
      });
      const report = foldReport(data, fold, trainRows, validRows, testRows, fitted.info);
      const hits = testRows.reduce(
        (n, r, i) => n + (test.ensemble[i] >= 0 === data.y[r] > 0 ? 1 : 0),
        0,
      );
      report.ensemble_directional_accuracy = testRows.length ? hits / testRows.length : null;
      reports.push(report);
      input.onFold?.(report, folds.length);
    } finally {
      fitted.free();
    }
  }

  const metrics: Partial<Record<ScoredName, Metrics>> = {};
  for (const name of SCORED) {
    const c = collected.get(name);
    if (!c) continue;
    const rows: ScoredRows = {
      dateIndex: Int32Array.from(c.dateIndex),
      predicted: Float64Array.from(c.predicted),
      probabilityUp: Float64Array.from(c.probabilityUp),
      actual: Float64Array.from(c.actual),
      ...(c.low.length ? { low: Float64Array.from(c.low), high: Float64Array.from(c.high) } : {}),
    };
    metrics[name] = computeMetrics(rows, { horizonDays, directional: name !== 'zero_change' });
  }
  return {
    folds: reports,
    metrics,
    residual_quantiles: {
      level: 0.8,
      low: quantile(residuals, 0.1),
      high: quantile(residuals, 0.9),
    },
  };
}

function foldReport(
  data: Dataset,
  fold: Fold,
  trainRows: Int32Array,
  validRows: Int32Array,
  testRows: Int32Array,
  info: Awaited<ReturnType<typeof fitModels>>['info'],
): FoldReport {
  const span = (from: number, to: number, rows: number) => ({
    from: data.dates[from],
    to: data.dates[Math.min(to, data.dates.length - 1)],
    rows,
  });
  return {
    index: fold.index,
    train: span(0, fold.trainEnd, trainRows.length),
    validation: span(fold.validStart, fold.validEnd, validRows.length),
    test: span(fold.testStart, fold.testEnd, testRows.length),
    ...(info.xgb
      ? { xgb: { rounds_run: info.xgb.rounds_run, best_iteration: info.xgb.best_iteration } }
      : {}),
    ...(info.lstm
      ? {
          lstm: {
            epochs_run: info.lstm.epochs_run,
            samples: info.lstm.samples,
            backend: info.lstm.backend,
          },
        }
      : {}),
    ensemble_directional_accuracy: null,
  };
}
