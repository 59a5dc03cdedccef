import type { TrainSettings } from '../config.ts';
import { computeMetrics, type Metrics, type ScoredRows } from '../evaluation/metrics.ts';
import { quantile } from '../evaluation/stats.ts';
import type { XGBoostLib } from '../models/xgboost/index.ts';
import { calibrated, fitPlatt } from './calibration.ts';
import { POOLED_UNIT, rulesComponent, type ComponentWeights } from './ensemble.ts';
import {
  fitModels,
  predictComponents,
  type FittedModels,
  type ModelKind,
  type TrainEvent,
} from './fit.ts';
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

/**
 * What is fitted separately: the pooled model (one unit, every row), or one
 * model per symbol (--per-symbol). Units partition the rows.
 */
export interface FitUnit {
  key: string;
  has: (row: number) => boolean;
}

export const POOLED: readonly FitUnit[] = [{ key: POOLED_UNIT, has: () => true }];

export function perSymbolUnits(data: Dataset): FitUnit[] {
  return data.symbols.map((symbol, s) => ({
    key: symbol,
    has: (r: number) => data.symbolIndex[r] === s,
  }));
}

/** A unit with fewer rows than this in a fold is not fitted there (its rows are not scored). */
const MIN_UNIT_TRAIN_ROWS = 250;
const MIN_UNIT_VALID_ROWS = 20;

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

  const units = input.units ?? POOLED;
  for (const fold of folds) {
    const trainRows = rowsBetween(data, 0, fold.trainEnd, usable);
    const validRows = rowsBetween(data, fold.validStart, fold.validEnd, usable);
    const testRows = rowsBetween(data, fold.testStart, fold.testEnd, usable);
    const scaler = fitScaler(data, (r) => data.dateIndex[r] <= fold.trainEnd);
    const scaled = scaleDataset(scaler, data);

    // Models: one fit per unit (the pooled model, or one per symbol), each judged on its own test rows.
    const n = testRows.length;
    const model = {
      ensemble: new Float64Array(n).fill(NaN),
      probability: new Float64Array(n).fill(NaN),
      low: new Float64Array(n).fill(NaN),
      high: new Float64Array(n).fill(NaN),
      xgb: new Float64Array(n).fill(NaN),
      xgbP: new Float64Array(n).fill(NaN),
      lstm: new Float64Array(n).fill(NaN),
      lstmP: new Float64Array(n).fill(NaN),
    };
    let info: FittedModels['info'] | null = null;
    for (const unit of units) {
      const unitTrain = trainRows.filter(unit.has);
      const unitValid = validRows.filter(unit.has);
      const positions = Int32Array.from(testRows.keys()).filter((i) => unit.has(testRows[i]));
      if (
        positions.length === 0 ||
        unitTrain.length < MIN_UNIT_TRAIN_ROWS ||
        unitValid.length < MIN_UNIT_VALID_ROWS
      )
        continue;
      const fitted = await fitModels({
        ...input,
        scaled,
        trainRows: unitTrain,
        validRows: unitValid,
      });
      try {
        info ??= fitted.info;
        const unitTest = Int32Array.from(positions, (i) => testRows[i]);
        const test = predictComponents(
          fitted,
          { data, scaled, settings, weights: input.weights },
          unitTest,
        );
        const validUps = Float64Array.from(unitValid, (r) => (data.y[r] > 0 ? 1 : 0));
        const xgbCalibration = fitted.validation.xgb
          ? fitPlatt(fitted.validation.xgb, validUps)
          : null;
        const lstmCalibration = fitted.validation.lstm
          ? fitPlatt(fitted.validation.lstm, validUps)
          : null;
        positions.forEach((at, i) => {
          model.ensemble[at] = test.ensemble[i];
          model.probability[at] = test.probabilityUp[i];
          model.low[at] = test.ensemble[i] + fitted.interval.low;
          model.high[at] = test.ensemble[i] + fitted.interval.high;
          if (test.xgb && xgbCalibration) {
            model.xgb[at] = test.xgb[i];
            model.xgbP[at] = calibrated(xgbCalibration, test.xgb[i]);
          }
          if (test.lstm && lstmCalibration) {
            model.lstm[at] = test.lstm[i];
            model.lstmP[at] = calibrated(lstmCalibration, test.lstm[i]);
          }
        });
      } finally {
        fitted.free();
      }
    }

    // Baselines learn only from (all) training rows.
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

    // Every model and baseline on the same rows: those every requested model could predict.
    let scored = 0;
    let hits = 0;
    testRows.forEach((r, i) => {
      const complete =
        Number.isFinite(model.ensemble[i]) &&
        (!input.models.includes('xgb') || !input.xgbLib || Number.isFinite(model.xgb[i])) &&
        (!input.models.includes('lstm') || Number.isFinite(model.lstm[i]));
      if (!complete) return;
      scored++;
      const d = data.dateIndex[r];
      const actual = data.y[r];
      const ensemble = model.ensemble[i];
      if (ensemble >= 0 === actual > 0) hits++;
      add('ensemble', d, ensemble, model.probability[i], actual, [model.low[i], model.high[i]]);
      residuals.push(actual - ensemble);
      if (Number.isFinite(model.xgb[i])) add('xgb', d, model.xgb[i], model.xgbP[i], actual);
      if (Number.isFinite(model.lstm[i])) add('lstm', d, model.lstm[i], model.lstmP[i], actual);
      add('zero_change', d, 0, NaN, actual);
      add('always_up', d, Math.max(meanReturn, 1e-9), upRate, actual);
      const last = data.x[r * width + ret1];
      const bucket = last >= 0 ? upAfter.up : upAfter.down;
      add('momentum', d, last, bucket[1] ? bucket[0] / bucket[1] : upRate, actual);
      add(
        'rules',
        d,
        rulesComponent(data.rulesScore[r]),
        calibrated(rulesCalibration, data.rulesScore[r]),
        actual,
      );
    });
    const report = foldReport(
      data,
      fold,
      trainRows,
      validRows,
      scored,
      units.length === 1 ? info : null,
    );
    report.ensemble_directional_accuracy = scored ? hits / scored : null;
    reports.push(report);
    input.onFold?.(report, folds.length);
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
  testRows: number,
  info: FittedModels['info'] | null,
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
    ensemble_directional_accuracy: null,
  };
}
