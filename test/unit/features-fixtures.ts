import { createRandom } from '../../src/random.ts';
import type { AdjustedSeries } from '../../src/store/types.ts';

/** Weekdays from `start` (YYYY-MM-DD), as exchange dates. */
export function weekdays(start: string, count: number): string[] {
  const dates: string[] = [];
  let time = Date.parse(`${start}T00:00:00Z`);
  while (dates.length < count) {
    const day = new Date(time).getUTCDay();
    if (day !== 0 && day !== 6) dates.push(new Date(time).toISOString().slice(0, 10));
    time += 86_400_000;
  }
  return dates;
}

/**
 * A seeded random-walk market: geometric Brownian close, an open near the
 * previous close, high and low outside both, log-normal volume. Adjusted
 * already (adjFactor 1), which is all the feature code reads.
 */
export function randomWalkSeries(
  symbol: string,
  length: number,
  seed: number,
  options: { start?: string; dailyVolatility?: number; drift?: number } = {},
): AdjustedSeries {
  const random = createRandom(seed);
  const volatility = options.dailyVolatility ?? 0.02;
  const drift = options.drift ?? 0.0003;
  const dates = weekdays(options.start ?? '2000-01-03', length);
  const open = new Float64Array(length);
  const high = new Float64Array(length);
  const low = new Float64Array(length);
  const close = new Float64Array(length);
  const volume = new Float64Array(length);
  let previous = 50 + 50 * random.next();
  for (let t = 0; t < length; t++) {
    open[t] = previous * Math.exp(0.3 * volatility * random.normal());
    close[t] = open[t] * Math.exp(drift + volatility * random.normal());
    high[t] = Math.max(open[t], close[t]) * (1 + Math.abs(0.5 * volatility * random.normal()));
    low[t] = Math.min(open[t], close[t]) * (1 - Math.abs(0.5 * volatility * random.normal()));
    volume[t] = Math.round(1e6 * Math.exp(0.5 * random.normal()));
    previous = close[t];
  }
  return seriesFrom(symbol, dates, { open, high, low, close, volume });
}

export function seriesFrom(
  symbol: string,
  dates: string[],
  bars: {
    open: Float64Array;
    high: Float64Array;
    low: Float64Array;
    close: Float64Array;
    volume: Float64Array;
  },
): AdjustedSeries {
  const n = dates.length;
  return {
    symbol,
    dates,
    ...bars,
    adjFactor: new Float64Array(n).fill(1),
    rawClose: bars.close.slice(),
    dividend: new Float64Array(n),
    split: new Float64Array(n).fill(1),
  };
}

/** |actual − expected| ≤ relative · max(|actual|, |expected|) + absolute, NaN only against NaN. */
export function closeTo(actual: number, expected: number, relative: number, absolute = 0): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual))
    return Number.isNaN(expected) && Number.isNaN(actual);
  return (
    Math.abs(actual - expected) <=
    relative * Math.max(Math.abs(actual), Math.abs(expected)) + absolute
  );
}

/** The first index where `values` is not NaN (values.length when none). */
export function firstDefined(values: Float64Array): number {
  const index = values.findIndex((v) => !Number.isNaN(v));
  return index < 0 ? values.length : index;
}
