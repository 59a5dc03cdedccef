import { rankingScore, type Outcome } from './accuracy.ts';
import type { RelativeOutcome } from './excess.ts';
import {
  buyAndHold,
  longAll,
  longShort,
  longTop,
  quantileReturns,
  rebalances,
  runStrategy,
  type QuantileReport,
  type StrategyReport,
} from './portfolio.ts';
import {
  byMonth,
  byYear,
  compoundBy,
  rollingRisk,
  rollingWindow,
  worstDrawdowns,
  type Drawdown,
  type RollingRisk,
} from './risk.ts';
import {
  rankIcReport,
  rollingRates,
  windowKind,
  ROLLING_WINDOW,
  type RankIcReport,
  type RollingPoint,
  type WindowKind,
} from './series.ts';
import {
  icByHorizon,
  sectorReport,
  type ForwardReturns,
  type HorizonIc,
  type SectorReport,
} from './signal.ts';

export interface TearSheet {
  horizon_days: number;
  cost_bps: number;
  /** Holding periods traded (every horizon-th session with enough verified predictions). */
  rebalances: number;
  /** Long the top fifth / short the bottom fifth by each predictor, net of costs. */
  portfolio: Record<string, StrategyReport>;
  /** What the ensemble's portfolio is judged against. */
  benchmarks: {
    /** Long the ensemble's top fifth only, net of costs. */
    long_top: StrategyReport;
    /** Every predicted stock, equally weighted each period: what always predicting "up" holds. */
    always_up: StrategyReport;
    /** Every stock of the first period bought in equal amounts and held. */
    buy_and_hold: StrategyReport;
  };
  quantiles: QuantileReport;
  rank_ic: RankIcReport;
  /** The same scores against the return over 1, 5, 10 and 20 sessions, from the stored bars. */
  rank_ic_by_horizon: HorizonIc[];
  /** Null when the store names no stock's sector. */
  sectors: SectorReport | null;
  /** Returns by calendar month and year, rolling risk and the worst drawdowns. */
  returns: ReturnsReport;
  rolling: RollingPoint[];
  rolling_window: { sessions: number; kind: WindowKind };
}

export interface ReturnsReport {
  /** Compounded return by month of exit (YYYY-MM) of the ensemble long/short and the benchmark. */
  monthly: { month: string; ensemble: number | null; benchmark: number | null }[];
  yearly: {
    year: string;
    ensemble: number | null;
    always_up: number | null;
    benchmark: number | null;
  }[];
  /** Holding periods in the rolling window (half a year of them, at least 26). */
  rolling_periods: number;
  rolling: Record<'ensemble' | 'long_top' | 'benchmark', RollingRisk[]>;
  /** The ensemble long/short's five deepest drawdowns. */
  drawdowns: Drawdown[];
}

/**
 * The tear sheet's figures from verified predictions (pure): portfolios by
 * predictor and the benchmarks, quintile returns, daily Rank IC and trailing
 * rates. `lastReturns` (yesterday's return per prediction id) gives the
 * momentum baseline.
 */
export function tearSheet(
  outcomes: readonly Outcome[],
  options: {
    lastReturns: ReadonlyMap<string, number>;
    relative: ReadonlyMap<string, RelativeOutcome>;
    costBps: number;
    /** Forward returns by horizon, from the stored bars (none: no Rank IC by horizon). */
    forward?: ForwardReturns;
    /** Symbol → GICS sector, from the store. */
    sectors?: ReadonlyMap<string, string>;
  },
): TearSheet {
  const horizons = outcomes.map((o) => o.prediction.horizon_days).sort((a, b) => a - b);
  const horizonDays = horizons.length ? horizons[Math.floor(horizons.length / 2)] : 5;
  const periods = rebalances(outcomes, horizonDays);
  const run = { horizonDays, costBps: options.costBps };
  const predictors: Record<string, (o: Outcome) => number | undefined> = {
    ensemble: (o) => rankingScore(o.prediction),
    xgb: (o) => o.prediction.components.xgb,
    lstm: (o) => o.prediction.components.lstm,
    rules: (o) => o.prediction.components.rules,
    momentum: (o) => options.lastReturns.get(o.prediction.id),
  };
  const portfolio: Record<string, StrategyReport> = {};
  for (const [name, score] of Object.entries(predictors)) {
    if (!outcomes.some((o) => score(o) !== undefined)) continue;
    portfolio[name] = runStrategy(periods, longShort(score), run);
  }
  const ensemble = (o: Outcome) => rankingScore(o.prediction);
  const benchmarks = {
    long_top: runStrategy(periods, longTop(ensemble), run),
    always_up: runStrategy(periods, longAll, run),
    buy_and_hold: buyAndHold(periods, run),
  };
  const sessions = new Set(outcomes.map((o) => o.prediction.as_of)).size;
  return {
    horizon_days: horizonDays,
    cost_bps: options.costBps,
    rebalances: periods.length,
    portfolio,
    benchmarks,
    quantiles: quantileReturns(periods, ensemble),
    rank_ic: rankIcReport(outcomes, horizonDays),
    rank_ic_by_horizon: icByHorizon(outcomes, options.forward ?? new Map()),
    sectors: sectorReport(outcomes, periods, options.sectors ?? new Map()),
    returns: returnsReport(portfolio.ensemble ?? null, benchmarks, horizonDays),
    rolling: rollingRates(outcomes, options.relative),
    rolling_window: { sessions: ROLLING_WINDOW, kind: windowKind(sessions, ROLLING_WINDOW) },
  };
}

function returnsReport(
  ensemble: StrategyReport | null,
  benchmarks: Record<'long_top' | 'always_up' | 'buy_and_hold', StrategyReport>,
  horizonDays: number,
): ReturnsReport {
  const table = (strategy: StrategyReport | null, bucket: (d: string) => string) =>
    new Map(strategy ? compoundBy(strategy.curve, bucket).map((r) => [r.key, r.return]) : []);
  const months = {
    ensemble: table(ensemble, byMonth),
    benchmark: table(benchmarks.buy_and_hold, byMonth),
  };
  const years = {
    ensemble: table(ensemble, byYear),
    always_up: table(benchmarks.always_up, byYear),
    benchmark: table(benchmarks.buy_and_hold, byYear),
  };
  const keys = (...maps: Map<string, number>[]) =>
    [...new Set(maps.flatMap((m) => [...m.keys()]))].sort();
  const window = rollingWindow(horizonDays);
  return {
    monthly: keys(months.ensemble, months.benchmark).map((month) => ({
      month,
      ensemble: months.ensemble.get(month) ?? null,
      benchmark: months.benchmark.get(month) ?? null,
    })),
    yearly: keys(years.ensemble, years.benchmark).map((year) => ({
      year,
      ensemble: years.ensemble.get(year) ?? null,
      always_up: years.always_up.get(year) ?? null,
      benchmark: years.benchmark.get(year) ?? null,
    })),
    rolling_periods: window,
    rolling: {
      ensemble: ensemble ? rollingRisk(ensemble.curve, horizonDays, window) : [],
      long_top: rollingRisk(benchmarks.long_top.curve, horizonDays, window),
      benchmark: rollingRisk(benchmarks.buy_and_hold.curve, horizonDays, window),
    },
    drawdowns: ensemble ? worstDrawdowns(ensemble.curve) : [],
  };
}
