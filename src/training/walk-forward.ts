import type { TrainSettings } from '../config.ts';
import { computeMetrics, type Metrics, type MetricOptions } from '../evaluation/metrics.ts';
import type { XGBoostLib } from '../models/xgboost/index.ts';
import { factorScores, FACTORS, type FactorName } from './factors.ts';
import {
  completeRows,
  fitEnsemble,
  POOLED,
  scoreRows,
  type FitUnit,
  type FittedEnsemble,
} from './ensemble.ts';
import { scaledInputs, type FittedModels, type ModelKind, type TrainEvent } from './fit.ts';
import { walkForwardFolds, type Fold } from './folds.ts';
import {
  applyHead,
  COMPONENTS,
  dailyRankIc,
  type ComponentName,
  type ComponentScores,
  type Forecast,
} from './head.ts';
import type { OosRow } from './oos.ts';
import type { Dataset } from './panel.ts';
import { BASELINE_METRICS, BASELINES, baselineForecasts } from '../evaluation/baselines.ts';
import { rowsByDate } from './cross-section.ts';
import { fitScaler } from './scaler.ts';
import { hasSequence } from './sequences.ts';

/** Every model and baseline scored on the same out-of-sample rows. */
export const SCORED = ['ensemble', 'xgb', 'lstm', 'rules', ...FACTORS, ...BASELINES] as const;
export type ScoredName = (typeof SCORED)[number];

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

/** Scored rows of every model and baseline, collected over folds (see judgeFold). */
export interface Collected {
  dateIndex: number[];
  predicted: number[];
  score: number[];
  probabilityUp: number[];
  actual: number[];
  low: number[];
  high: number[];
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
      ...scaledInputs(scaler, data, input.models),
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

/** The metrics of every model and baseline over the rows collected for it. */
export function metricsOf(
  collected: ReadonlyMap<ScoredName, Collected>,
  horizonDays: number,
): Partial<Record<ScoredName, Metrics>> {
  const metrics: Partial<Record<ScoredName, Metrics>> = {};
  for (const name of SCORED) {
    const c = collected.get(name);
    if (!c || c.actual.length === 0) continue;
    metrics[name] = computeMetrics(
      {
        dateIndex: Int32Array.from(c.dateIndex),
        predicted: Float64Array.from(c.predicted),
        score: Float64Array.from(c.score),
        probabilityUp: Float64Array.from(c.probabilityUp),
        actual: Float64Array.from(c.actual),
        ...(c.low.length ? { low: Float64Array.from(c.low), high: Float64Array.from(c.high) } : {}),
      },
      { horizonDays, ...METRIC_KINDS[name] },
    );
  }
  return metrics;
}

/** How each scored name is judged: forecasts state a direction through P(up); factors only rank. */
const METRIC_KINDS: Record<ScoredName, Omit<MetricOptions, 'horizonDays'>> = {
  ensemble: { directionFrom: 'probability' },
  xgb: { directionFrom: 'probability' },
  lstm: { directionFrom: 'probability' },
  rules: { directionFrom: 'probability' },
  reversal_5: { directional: false, forecast: false },
  momentum_60: { directional: false, forecast: false },
  low_vol_20: { directional: false, forecast: false },
  ...BASELINE_METRICS,
};

/** Score one fold's test rows with the ensemble, each component alone and every baseline. */
export function judgeFold(
  data: Dataset,
  fitted: Pick<FittedEnsemble, 'head' | 'componentHeads' | 'base'>,
  rows: Int32Array,
  components: ComponentScores,
  collected: Map<ScoredName, Collected>,
  foldIndex: number,
): {
  oos: OosRow[];
  rankIc: number | null;
  coverage: number | null;
  directionalAccuracy: number | null;
} {
  const n = rows.length;
  const dateIndex = Int32Array.from(rows, (r) => data.dateIndex[r]);
  const volatility = Float64Array.from(rows, (r) => data.volatility[r]);
  const intervalScale = Float64Array.from(rows, (r) => data.intervalScale[r]);
  const actual = Float64Array.from(rows, (r) => data.y[r]);
  const add = (
    name: ScoredName,
    predicted: ArrayLike<number>,
    score: ArrayLike<number>,
    probabilityUp: ArrayLike<number> | null,
    interval?: Forecast,
  ) => {
    let c = collected.get(name);
    if (!c) {
      c = {
        dateIndex: [],
        predicted: [],
        score: [],
        probabilityUp: [],
        actual: [],
        low: [],
        high: [],
      };
      collected.set(name, c);
    }
    for (let i = 0; i < n; i++) {
      c.dateIndex.push(dateIndex[i]);
      c.predicted.push(predicted[i]);
      c.score.push(score[i]);
      c.probabilityUp.push(probabilityUp ? probabilityUp[i] : NaN);
      c.actual.push(actual[i]);
      if (interval) {
        c.low.push(interval.low[i]);
        c.high.push(interval.high[i]);
      }
    }
  };

  const ensemble = applyHead(fitted.head, { dateIndex, components, volatility, intervalScale });
  add('ensemble', ensemble.forecast, ensemble.score, ensemble.probabilityUp, ensemble);
  for (const name of COMPONENTS) {
    const head = fitted.componentHeads[name];
    if (!head) continue;
    const alone = applyHead(head, {
      dateIndex,
      components: { [name]: components[name] },
      volatility,
      intervalScale,
    });
    add(
      name as ComponentName,
      alone.forecast,
      components[name] as Float64Array,
      alone.probabilityUp,
    );
  }

  // Baselines learn only from training rows (the base rate, drift and yesterday's-direction rates).
  const { base } = fitted;
  const factors = factorScores(data, rows);
  for (const name of FACTORS) add(name as FactorName, factors[name], factors[name], null);
  const baselines = baselineForecasts({
    drift: base.drift,
    upRate: base.upRate,
    yesterday: factors.ret_1,
    upRateAfter: { up: base.upRateAfterUp, down: base.upRateAfterDown },
  });
  for (const name of BASELINES) {
    const { predicted, score, probabilityUp } = baselines[name];
    add(name, predicted, score ?? predicted, probabilityUp);
  }

  const groups = [...rowsByDate(dateIndex).values()];
  let covered = 0;
  let hits = 0;
  const oos: OosRow[] = [];
  for (let i = 0; i < n; i++) {
    if (actual[i] >= ensemble.low[i] && actual[i] <= ensemble.high[i]) covered++;
    if (ensemble.probabilityUp[i] >= 0.5 === actual[i] > 0) hits++;
    const r = rows[i];
    oos.push({
      symbol: data.symbols[data.symbolIndex[r]],
      as_of: data.dates[data.dateIndex[r]],
      fold: foldIndex,
      ensemble: ensemble.score[i],
      xgb: components.xgb?.[i] ?? null,
      lstm: components.lstm?.[i] ?? null,
      rules: components.rules?.[i] ?? null,
      predicted_log_return: ensemble.forecast[i],
      expected_excess: ensemble.excess[i],
      low: ensemble.low[i],
      high: ensemble.high[i],
      p_up: ensemble.probabilityUp[i],
      p_outperform: ensemble.probabilityOutperform[i],
      volatility: volatility[i],
      interval_scale: intervalScale[i],
      realised_log_return: actual[i],
    });
  }
  return {
    oos,
    rankIc: dailyRankIc(ensemble.score, actual, groups),
    coverage: n ? covered / n : null,
    directionalAccuracy: n ? hits / n : null,
  };
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
