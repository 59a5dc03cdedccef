import { portfolioFigures, MIN_ANNUALISED_PERIODS } from '../evaluation/metrics.ts';
import { MIN_CROSS_SECTION, mean, stdev } from '../evaluation/stats.ts';
import type { Outcome } from './accuracy.ts';

/** Share of the cross-section held long and held short. */
const FRACTION = 0.2;

/** One holding period: entered at the close of `entry`, left at the close of `exit`. */
export interface Rebalance {
  entry: string;
  exit: string;
  members: readonly Outcome[];
}

export interface CurvePoint {
  date: string;
  equity: number;
}

export interface StrategyReport {
  /** Null below MIN_ANNUALISED_PERIODS periods: too few to annualise honestly. */
  annualised_return: number | null;
  sharpe: number | null;
  max_drawdown: number | null;
  /** Annualised standard deviation of the period returns; null below MIN_ANNUALISED_PERIODS. */
  volatility: number | null;
  /** Mean return over the downside deviation (target 0), annualised; null below MIN_ANNUALISED_PERIODS. */
  sortino: number | null;
  /** Annualised return over the maximum drawdown; null below MIN_ANNUALISED_PERIODS. */
  calmar: number | null;
  total_return: number | null;
  periods: number;
  /**
   * Mean share of the book replaced at a rebalance (0–1), after the first: the
   * target weights against the weights held, drifted by the period's returns.
   */
  turnover: number | null;
  cost_bps: number;
  /** Anchored at 1.0 on the first entry, then one point at each period's exit. */
  curve: CurvePoint[];
}

/** Simple return over the horizon of a verified prediction. */
export const simpleReturn = (o: Outcome) => o.verification.actual_change_pct / 100;

/** Where a prediction's holding period ends: the realised bar, else the estimated target session. */
const exitOf = (o: Outcome) => o.verification.actual_date ?? o.prediction.target_date;

/**
 * Non-overlapping holding periods (pure): every `horizonDays`-th session with
 * at least MIN_CROSS_SECTION verified predictions, as the walk-forward
 * long/short metric rebalances, each held to its predictions' exit.
 */
export function rebalances(outcomes: readonly Outcome[], horizonDays: number): Rebalance[] {
  const bySession = new Map<string, Outcome[]>();
  for (const o of outcomes) {
    const list = bySession.get(o.prediction.as_of);
    if (list) list.push(o);
    else bySession.set(o.prediction.as_of, [o]);
  }
  const result: Rebalance[] = [];
  let step = 0;
  for (const entry of [...bySession.keys()].sort()) {
    const members = bySession.get(entry) as Outcome[];
    if (members.length < MIN_CROSS_SECTION) continue;
    if (step++ % horizonDays !== 0) continue;
    const exit = members.map(exitOf).reduce((a, b) => (b > a ? b : a));
    result.push({ entry, exit, members });
  }
  return result;
}

/**
 * Target weights for one period by symbol (long positive, short negative);
 * empty means cash. `held` is the book as the last period left it (weights
 * drifted by its returns).
 */
export type Weigh = (
  members: readonly Outcome[],
  held: ReadonlyMap<string, number>,
) => Map<string, number>;

/** Long the top fifth and short the bottom fifth by `score`, equally weighted (cash when flat). */
export function longShort(score: (o: Outcome) => number | undefined): Weigh {
  return (members) => {
    const scored = members.filter((o) => score(o) !== undefined);
    const weights = new Map<string, number>();
    if (scored.length < MIN_CROSS_SECTION) return weights;
    const values = scored.map((o) => score(o) as number);
    if (Math.max(...values) === Math.min(...values)) return weights;
    const sorted = [...scored].sort((a, b) => (score(a) as number) - (score(b) as number));
    const k = Math.max(1, Math.floor(sorted.length * FRACTION));
    for (const o of sorted.slice(0, k)) weights.set(o.prediction.symbol, -1 / k);
    for (const o of sorted.slice(-k)) weights.set(o.prediction.symbol, 1 / k);
    return weights;
  };
}

/** Long the top fifth by `score`, equally weighted. */
export function longTop(score: (o: Outcome) => number): Weigh {
  return (members) => {
    const sorted = [...members].sort((a, b) => score(a) - score(b));
    const k = Math.max(1, Math.floor(sorted.length * FRACTION));
    return new Map(sorted.slice(-k).map((o) => [o.prediction.symbol, 1 / k]));
  };
}

/** Every stock predicted, equally weighted: what always predicting "up" holds. */
export const longAll: Weigh = (members) =>
  new Map(members.map((o) => [o.prediction.symbol, 1 / members.length]));

/**
 * A strategy's equity (pure): each period the target weights' return, less
 * `costBps` for every unit of weight traded against the book held — the last
 * period's weights drifted by its returns — so rebalancing back to equal
 * weights is a trade, and building the first book is one too.
 */
export function runStrategy(
  periods: readonly Rebalance[],
  weigh: Weigh,
  options: { horizonDays: number; costBps: number },
): StrategyReport {
  const returns: number[] = [];
  const turnovers: number[] = [];
  const curve: CurvePoint[] = periods.length ? [{ date: periods[0].entry, equity: 1 }] : [];
  let held = new Map<string, number>();
  let equity = 1;
  for (const period of periods) {
    const weights = weigh(period.members, held);
    const realised = new Map(period.members.map((o) => [o.prediction.symbol, simpleReturn(o)]));
    let gross = 0;
    for (const [symbol, w] of weights) gross += w * (realised.get(symbol) ?? 0);
    let traded = 0;
    for (const symbol of new Set([...weights.keys(), ...held.keys()]))
      traded += Math.abs((weights.get(symbol) ?? 0) - (held.get(symbol) ?? 0));
    const book = Math.max(sumAbs(weights), sumAbs(held));
    if (returns.length > 0 && book > 0) turnovers.push(traded / (2 * book));
    const net = gross - (traded * options.costBps) / 10_000;
    returns.push(net);
    equity *= 1 + net;
    curve.push({ date: period.exit, equity });
    held =
      1 + gross > 0
        ? new Map(
            [...weights].map(([s, w]) => [s, (w * (1 + (realised.get(s) ?? 0))) / (1 + gross)]),
          )
        : new Map();
  }
  return figures(returns, curve, options.horizonDays, options.costBps, turnovers);
}

/**
 * The universe bought once in equal amounts at the first entry and held
 * (pure), run as every strategy is, costs included: each stock's weight
 * drifts with its own returns; a stock with no verified prediction in a
 * period is carried flat.
 */
export function buyAndHold(
  periods: readonly Rebalance[],
  options: { horizonDays: number; costBps: number },
): StrategyReport {
  const hold: Weigh = (members, held) => (held.size ? new Map(held) : longAll(members, held));
  return runStrategy(periods, hold, options);
}

export interface QuantileReport {
  /** Q1 (lowest predicted) … Q5 (highest), then Q5 − Q1: each compounded from 1.0, before costs. */
  curves: Record<string, CurvePoint[]>;
  /** Mean period return of each quantile, Q1 first. */
  mean_return: (number | null)[];
}

/** Each period's stocks split into `count` groups by score, each group held equally weighted (pure). */
export function quantileReturns(
  periods: readonly Rebalance[],
  score: (o: Outcome) => number,
  count = 5,
): QuantileReport {
  const names = [...Array.from({ length: count }, (_, q) => `Q${q + 1}`), `Q${count} − Q1`];
  const curves: Record<string, CurvePoint[]> = Object.fromEntries(
    names.map((n) => [n, periods.length ? [{ date: periods[0].entry, equity: 1 }] : []]),
  );
  const sums = new Array<number>(count).fill(0);
  const equity = new Array<number>(count + 1).fill(1);
  for (const period of periods) {
    const sorted = [...period.members].sort((a, b) => score(a) - score(b));
    const groups = Array.from({ length: count }, () => [] as number[]);
    sorted.forEach((o, rank) =>
      groups[Math.floor((rank * count) / sorted.length)].push(simpleReturn(o)),
    );
    const means = groups.map((g) => (g.length ? g.reduce((s, r) => s + r, 0) / g.length : 0));
    means.forEach((m, q) => (sums[q] += m));
    means.push(means[count - 1] - means[0]);
    means.forEach((m, q) => {
      equity[q] *= 1 + m;
      curves[names[q]].push({ date: period.exit, equity: equity[q] });
    });
  }
  return {
    curves,
    mean_return: sums.map((s) => (periods.length ? s / periods.length : null)),
  };
}

/** Drawdown from the running peak at each point of a curve: 0 at a new high, −0.1 ten percent below. */
export function drawdown(curve: readonly CurvePoint[]): { date: string; drawdown: number }[] {
  let peak = -Infinity;
  return curve.map((p) => {
    peak = Math.max(peak, p.equity);
    return { date: p.date, drawdown: p.equity / peak - 1 };
  });
}

function figures(
  returns: readonly number[],
  curve: CurvePoint[],
  horizonDays: number,
  costBps: number,
  turnovers: readonly number[],
): StrategyReport {
  const base = portfolioFigures(returns, horizonDays);
  return {
    ...base,
    ...riskFigures(returns, horizonDays, base.annualised_return, base.max_drawdown),
    // One period has a drawdown too; portfolioFigures wants two for its other figures.
    max_drawdown: curve.length > 1 ? -Math.min(...drawdown(curve).map((d) => d.drawdown)) : null,
    total_return: curve.length > 1 ? (curve.at(-1) as CurvePoint).equity - 1 : null,
    turnover: turnovers.length ? turnovers.reduce((s, t) => s + t, 0) / turnovers.length : null,
    cost_bps: costBps,
    curve,
  };
}

/** Volatility, Sortino and Calmar, annualised, under the rule Sharpe follows (pure). */
export function riskFigures(
  returns: readonly number[],
  horizonDays: number,
  annualisedReturn: number | null,
  maxDrawdown: number | null,
): { volatility: number | null; sortino: number | null; calmar: number | null } {
  if (returns.length < MIN_ANNUALISED_PERIODS)
    return { volatility: null, sortino: null, calmar: null };
  const perYear = 252 / horizonDays;
  const downside = Math.sqrt(mean(returns.map((r) => Math.min(r, 0) ** 2)));
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    volatility: finite(stdev(returns) * Math.sqrt(perYear)),
    sortino: finite(downside > 0 ? (mean(returns) / downside) * Math.sqrt(perYear) : NaN),
    calmar:
      annualisedReturn !== null && maxDrawdown !== null && maxDrawdown > 0
        ? annualisedReturn / maxDrawdown
        : null,
  };
}

function sumAbs(weights: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const w of weights.values()) sum += Math.abs(w);
  return sum;
}

export { MIN_ANNUALISED_PERIODS };
