import { auc, mean, neweyWestT, pearson, spearman, stdev } from './stats.ts';

/**
 * Out-of-sample predictions to score: one entry per (symbol, date), all
 * arrays the same length. `dateIndex` groups rows of the same session for the
 * cross-sectional figures; returns are log returns over the horizon.
 */
export interface ScoredRows {
  dateIndex: Int32Array;
  /** The forecast log return (errors; the direction when no probability is used). */
  predicted: Float64Array;
  /** What ranks the rows for IC, Rank IC and the portfolio; `predicted` when absent. */
  score?: Float64Array;
  /** NaN for a model that states no probability (e.g. zero change). */
  probabilityUp: Float64Array;
  actual: Float64Array;
  low?: Float64Array;
  high?: Float64Array;
}

export interface CorrelationFigure {
  mean: number | null;
  /** Newey–West t of the mean (lags: horizon − 1; the daily series overlap). */
  t_stat: number | null;
  /** Information ratio as Qlib reports it: mean / standard deviation of the daily series. */
  ir: number | null;
  days: number;
}

export interface PortfolioFigure {
  annualised_return: number | null;
  sharpe: number | null;
  max_drawdown: number | null;
  periods: number;
  /** Why a figure is missing (too few periods to annualise). */
  note?: string;
}

export interface Metrics {
  rows: number;
  /** Null for a score that is only a ranking (a factor), not a forecast of the return. */
  mae: number | null;
  rmse: number | null;
  /** Share of rows whose direction (predicted ≥ 0 is up) matched; null for a model with no direction. */
  directional_accuracy: number | null;
  auc: number | null;
  brier: number | null;
  interval_coverage: number | null;
  ic: CorrelationFigure;
  rank_ic: CorrelationFigure;
  long_short: PortfolioFigure;
}

export interface MetricOptions {
  horizonDays: number;
  /** Fraction of the cross-section held long and held short (0.2: top and bottom quintiles). */
  portfolioFraction?: number;
  /** Fewest symbols on a date for it to count in IC and the portfolio. */
  minCrossSection?: number;
  /** False for a model that states no direction (zero change); predicted ≥ 0 reads as up otherwise. */
  directional?: boolean;
  /** False for a score that only ranks (a factor): no error figures. */
  forecast?: boolean;
  /** 'probability': up when P(up) ≥ 0.5 (how records state direction); default: predicted ≥ 0. */
  directionFrom?: 'probability' | 'predicted';
}

/** Every metric of metrics.json, for one model on one set of rows (pure). */
export function computeMetrics(rows: ScoredRows, options: MetricOptions): Metrics {
  const n = rows.actual.length;
  let absErr = 0;
  let sqErr = 0;
  let hits = 0;
  let directional = 0;
  let brier = 0;
  let withProbability = 0;
  let covered = 0;
  let withInterval = 0;
  const probabilities: number[] = [];
  const ups: number[] = [];
  for (let i = 0; i < n; i++) {
    const error = rows.predicted[i] - rows.actual[i];
    absErr += Math.abs(error);
    sqErr += error * error;
    const up = rows.actual[i] > 0 ? 1 : 0;
    const p = rows.probabilityUp[i];
    if (options.directional !== false) {
      directional++;
      const saysUp = options.directionFrom === 'probability' ? p >= 0.5 : rows.predicted[i] >= 0;
      if ((saysUp ? 1 : 0) === up) hits++;
    }
    if (Number.isFinite(p)) {
      withProbability++;
      brier += (p - up) ** 2;
      probabilities.push(p);
      ups.push(up);
    }
    if (rows.low && rows.high) {
      withInterval++;
      if (rows.actual[i] >= rows.low[i] && rows.actual[i] <= rows.high[i]) covered++;
    }
  }
  const aucValue = withProbability > 0 ? auc(probabilities, ups) : NaN;
  const { ic, rankIc } = crossSectionalCorrelations(rows, options);
  return {
    rows: n,
    mae: options.forecast === false ? null : absErr / n,
    rmse: options.forecast === false ? null : Math.sqrt(sqErr / n),
    directional_accuracy: directional > 0 ? hits / directional : null,
    auc: finiteOrNull(aucValue),
    brier: withProbability > 0 ? brier / withProbability : null,
    interval_coverage: withInterval > 0 ? covered / withInterval : null,
    ic,
    rank_ic: rankIc,
    long_short: longShortPortfolio(rows, options),
  };
}

function groupByDate(rows: ScoredRows): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < rows.dateIndex.length; i++) {
    const list = groups.get(rows.dateIndex[i]);
    if (list) list.push(i);
    else groups.set(rows.dateIndex[i], [i]);
  }
  return new Map([...groups.entries()].sort((a, b) => a[0] - b[0]));
}

function crossSectionalCorrelations(
  rows: ScoredRows,
  options: MetricOptions,
): { ic: CorrelationFigure; rankIc: CorrelationFigure } {
  const minimum = options.minCrossSection ?? 5;
  const ics: number[] = [];
  const rankIcs: number[] = [];
  for (const members of groupByDate(rows).values()) {
    if (members.length < minimum) continue;
    const score = rows.score ?? rows.predicted;
    const predicted = members.map((i) => score[i]);
    const actual = members.map((i) => rows.actual[i]);
    const ic = pearson(predicted, actual);
    const rankIc = spearman(predicted, actual);
    // A constant prediction (zero change) has no cross-sectional correlation.
    if (Number.isFinite(ic)) ics.push(ic);
    if (Number.isFinite(rankIc)) rankIcs.push(rankIc);
  }
  const figure = (series: number[]): CorrelationFigure => ({
    mean: series.length ? mean(series) : null,
    t_stat: finiteOrNull(neweyWestT(series, options.horizonDays - 1)),
    ir: finiteOrNull(mean(series) / stdev(series)),
    days: series.length,
  });
  return { ic: figure(ics), rankIc: figure(rankIcs) };
}

/**
 * Long the top fraction and short the bottom fraction by predicted return,
 * equal-weighted, rebalanced every `horizonDays` sessions so holding periods
 * do not overlap; no transaction costs. One simple return per period.
 */
export function longShortPeriods(
  rows: ScoredRows,
  options: MetricOptions,
): { dateIndex: number; return: number }[] {
  const fraction = options.portfolioFraction ?? 0.2;
  const minimum = options.minCrossSection ?? 5;
  const periods: { dateIndex: number; return: number }[] = [];
  let step = 0;
  for (const [dateIndex, members] of groupByDate(rows)) {
    if (members.length < minimum) continue;
    if (step++ % options.horizonDays !== 0) continue;
    const score = rows.score ?? rows.predicted;
    const predictions = members.map((i) => score[i]);
    if (Math.max(...predictions) === Math.min(...predictions)) continue;
    const sorted = [...members].sort((a, b) => score[a] - score[b]);
    const k = Math.max(1, Math.floor(sorted.length * fraction));
    const simple = (i: number) => Math.expm1(rows.actual[i]);
    periods.push({
      dateIndex,
      return: mean(sorted.slice(-k).map(simple)) - mean(sorted.slice(0, k).map(simple)),
    });
  }
  return periods;
}

/**
 * Fewest periods an annualised return or a Sharpe ratio is stated from: half
 * a year of weekly rebalances. Below it, a few lucky weeks annualise into
 * absurd figures (a Sharpe of −449 from three periods).
 */
export const MIN_ANNUALISED_PERIODS = 26;

/** Annualised return, Sharpe and max drawdown of non-overlapping period returns. */
export function portfolioFigures(
  periodReturns: readonly number[],
  horizonDays: number,
): PortfolioFigure {
  const periodsPerYear = 252 / horizonDays;
  let equity = 1;
  let peak = 1;
  let maxDrawdown = 0;
  for (const r of periodReturns) {
    equity *= 1 + r;
    peak = Math.max(peak, equity);
    maxDrawdown = Math.max(maxDrawdown, 1 - equity / peak);
  }
  if (periodReturns.length < MIN_ANNUALISED_PERIODS) {
    return {
      annualised_return: null,
      sharpe: null,
      max_drawdown: periodReturns.length > 0 ? maxDrawdown : null,
      periods: periodReturns.length,
      note: `no annualised figure or Sharpe from ${periodReturns.length} period(s): at least ${MIN_ANNUALISED_PERIODS} are needed`,
    };
  }
  const years = periodReturns.length / periodsPerYear;
  const sd = stdev(periodReturns);
  return {
    annualised_return: finiteOrNull(equity > 0 ? equity ** (1 / years) - 1 : -1),
    sharpe: finiteOrNull(sd > 0 ? (mean(periodReturns) / sd) * Math.sqrt(periodsPerYear) : NaN),
    max_drawdown: maxDrawdown,
    periods: periodReturns.length,
  };
}

function longShortPortfolio(rows: ScoredRows, options: MetricOptions): PortfolioFigure {
  return portfolioFigures(
    longShortPeriods(rows, options).map((p) => p.return),
    options.horizonDays,
  );
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
