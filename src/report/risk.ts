import { MIN_ANNUALISED_PERIODS } from '../evaluation/metrics.ts';
import { mean, stdev } from '../evaluation/stats.ts';
import type { CurvePoint } from './portfolio.ts';

/** Returns and risk over time, as QuantStats lays them out, from equity curves (pure). */

/** Sessions in half a year: the rolling window's span. */
const HALF_YEAR_SESSIONS = 126;

export interface PeriodReturn {
  /** The period's exit. */
  date: string;
  return: number;
}

/** Each period's return from a curve anchored at 1.0 (one point per exit). */
export function curveReturns(curve: readonly CurvePoint[]): PeriodReturn[] {
  return curve.slice(1).map((p, i) => ({ date: p.date, return: p.equity / curve[i].equity - 1 }));
}

/** Period returns compounded by the calendar bucket of their exit date (`YYYY-MM` or `YYYY`). */
export function compoundBy(
  curve: readonly CurvePoint[],
  bucket: (date: string) => string,
): { key: string; return: number }[] {
  const growth = new Map<string, number>();
  for (const r of curveReturns(curve))
    growth.set(bucket(r.date), (growth.get(bucket(r.date)) ?? 1) * (1 + r.return));
  return [...growth].map(([key, g]) => ({ key, return: g - 1 }));
}

export const byMonth = (date: string) => date.slice(0, 7);
export const byYear = (date: string) => date.slice(0, 4);

export interface RollingRisk {
  date: string;
  sharpe: number | null;
  volatility: number | null;
}

/**
 * The rolling window, in holding periods: half a year of them, and never
 * fewer than an annualised figure needs.
 */
export function rollingWindow(horizonDays: number): number {
  return Math.max(MIN_ANNUALISED_PERIODS, Math.round(HALF_YEAR_SESSIONS / horizonDays));
}

/** Annualised Sharpe and volatility over the trailing `window` periods, once the window is full. */
export function rollingRisk(
  curve: readonly CurvePoint[],
  horizonDays: number,
  window = rollingWindow(horizonDays),
): RollingRisk[] {
  const returns = curveReturns(curve);
  const perYear = Math.sqrt(252 / horizonDays);
  const points: RollingRisk[] = [];
  for (let i = window - 1; i < returns.length; i++) {
    const span = returns.slice(i - window + 1, i + 1).map((r) => r.return);
    const sd = stdev(span);
    points.push({
      date: returns[i].date,
      sharpe: sd > 0 ? (mean(span) / sd) * perYear : null,
      volatility: Number.isFinite(sd) ? sd * perYear : null,
    });
  }
  return points;
}

export interface Drawdown {
  /** Last high before the fall. */
  start: string;
  trough: string;
  /** First point back at the high; null while still under water. */
  recovery: string | null;
  /** Fall from the high to the trough (0.12 is 12% below). */
  depth: number;
  /** Calendar days from the high to the recovery, or to the last point while under water. */
  days: number;
}

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** The `count` deepest drawdowns of a curve, deepest first. */
export function worstDrawdowns(curve: readonly CurvePoint[], count = 5): Drawdown[] {
  const episodes: Drawdown[] = [];
  let peak: CurvePoint | null = null;
  let open: Drawdown | null = null;
  for (const point of curve) {
    if (peak === null || point.equity >= peak.equity) {
      if (open) {
        open.recovery = point.date;
        open.days = daysBetween(open.start, point.date);
        episodes.push(open);
        open = null;
      }
      peak = point;
      continue;
    }
    const depth = 1 - point.equity / peak.equity;
    if (!open) open = { start: peak.date, trough: point.date, recovery: null, depth, days: 0 };
    else if (depth > open.depth) {
      open.depth = depth;
      open.trough = point.date;
    }
  }
  if (open) {
    open.days = daysBetween(open.start, (curve.at(-1) as CurvePoint).date);
    episodes.push(open);
  }
  return episodes.sort((a, b) => b.depth - a.depth).slice(0, count);
}
