import type { RegimeThresholds } from '../config.ts';
import type { AdjustedSeries } from '../store/types.ts';
import { realisedVolatility } from './kernels/returns.ts';
import { regimeFromReturns } from './regime.ts';

/** Sessions of market returns behind `MarketContext.volatility`. */
export const MARKET_VOLATILITY_PERIOD = 20;

/**
 * The market every symbol is measured against: an equal-weight index of the
 * whole stored universe, on the union of its trading dates. A date's values
 * use only bars on or before that date.
 */
export interface MarketContext {
  /** Every date on which some member has a bar, ascending. */
  dates: string[];
  /**
   * Equal-weight mean of the members' one-session log returns on each date
   * (a return ending that date, from the member's previous bar). NaN on the
   * first date; 0 on a later date where no member has a previous bar.
   */
  logReturn: Float64Array;
  /** How many members contributed to `logReturn` on each date. */
  members: Int32Array;
  /** Annualised sample volatility of the last 20 market returns; NaN before that. */
  volatility: Float64Array;
  /** Index level: 1 on the first date, then × exp(logReturn). */
  level: Float64Array;
}

export function buildMarketContext(universe: readonly AdjustedSeries[]): MarketContext {
  const dates = unionOfDates(universe);
  const n = dates.length;
  const sums = new Float64Array(n);
  const members = new Int32Array(n);
  for (const series of universe) {
    const index = alignToDates(series.dates, dates);
    const close = series.close;
    for (let t = 1; t < close.length; t++) {
      sums[index[t]] += Math.log(close[t] / close[t - 1]);
      members[index[t]]++;
    }
  }
  const logReturn = new Float64Array(n);
  for (let i = 0; i < n; i++) logReturn[i] = members[i] > 0 ? sums[i] / members[i] : 0;
  if (n > 0) logReturn[0] = NaN;

  const level = new Float64Array(n);
  let cumulative = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) cumulative += logReturn[i];
    level[i] = Math.exp(cumulative);
  }
  return {
    dates,
    logReturn,
    members,
    volatility: realisedVolatility(logReturn, MARKET_VOLATILITY_PERIOD),
    level,
  };
}

/** Regime codes (see REGIMES in regime.ts) of the market index, one per context date. */
export function marketRegimeSeries(
  context: MarketContext,
  thresholds: RegimeThresholds,
): Uint8Array {
  return regimeFromReturns(context.logReturn, thresholds);
}

/**
 * For each date, the index of the last context date on or before it (never a
 * later one, which would leak the future), or −1 when the context starts
 * later. Both lists must be ascending.
 */
export function alignToContext(dates: readonly string[], context: MarketContext): Int32Array {
  return alignToDates(dates, context.dates);
}

function alignToDates(dates: readonly string[], reference: readonly string[]): Int32Array {
  const index = new Int32Array(dates.length);
  let j = -1;
  for (let t = 0; t < dates.length; t++) {
    while (j + 1 < reference.length && reference[j + 1] <= dates[t]) j++;
    index[t] = j;
  }
  return index;
}

function unionOfDates(universe: readonly AdjustedSeries[]): string[] {
  const seen = new Set<string>();
  for (const series of universe) for (const date of series.dates) seen.add(date);
  return [...seen].sort();
}
