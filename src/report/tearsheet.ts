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
import { dailyRankIc, rollingRates, type RankIcReport, type RollingPoint } from './series.ts';

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
  rolling: RollingPoint[];
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
  return {
    horizon_days: horizonDays,
    cost_bps: options.costBps,
    rebalances: periods.length,
    portfolio,
    benchmarks: {
      long_top: runStrategy(periods, longTop(ensemble), run),
      always_up: runStrategy(periods, longAll, run),
      buy_and_hold: buyAndHold(periods, horizonDays),
    },
    quantiles: quantileReturns(periods, ensemble),
    rank_ic: dailyRankIc(outcomes, horizonDays),
    rolling: rollingRates(outcomes, options.relative),
  };
}
