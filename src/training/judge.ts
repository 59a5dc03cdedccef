import { BASELINE_METRICS, BASELINES, baselineForecasts } from '../evaluation/baselines.ts';
import { computeMetrics, type Metrics, type MetricOptions } from '../evaluation/metrics.ts';
import type { FittedEnsemble } from './ensemble.ts';
import { factorScores, FACTORS, type FactorName } from './factors.ts';
import {
  applyHead,
  COMPONENTS,
  type ComponentName,
  type ComponentScores,
  type Forecast,
} from './head.ts';
import type { OosRow } from './oos.ts';
import type { Dataset } from '../dataset/panel.ts';
import { rowsByDate } from '../dataset/cross-section.ts';
import { dailyRankIc } from './daily-rank-ic.ts';

/**
 * How out-of-sample rows are judged: every model and baseline scored on the
 * same rows of a fold (judgeFold), their figures over all folds (metricsOf).
 * Used by walk-forward and by models import (on a version's validation window).
 */

/** Every model and baseline scored on the same out-of-sample rows. */
export const SCORED = ['ensemble', 'xgb', 'lstm', 'rules', ...FACTORS, ...BASELINES] as const;
export type ScoredName = (typeof SCORED)[number];

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
