import { wilderAverage, wilderSum } from './averages.ts';
import { hasSpread, isTie, nanArray, rollingMean, rollingStd } from './window.ts';

/** True range from index 1 (it needs the previous close; technicalindicators also skips bar 0). */
export function trueRange(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
): Float64Array {
  const out = nanArray(close.length);
  for (let t = 1; t < close.length; t++) {
    const previous = close[t - 1];
    out[t] = Math.max(high[t] - low[t], Math.abs(high[t] - previous), Math.abs(low[t] - previous));
  }
  return out;
}

/** Average true range (Wilder), seeded by the mean of TR over bars 1..period: first value at `period`. */
export function atr(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
): Float64Array {
  return wilderAverage(trueRange(high, low, close), period);
}

/**
 * Wilder's ADX with the directional indicators. +DI and −DI start at `period`,
 * ADX (Wilder's average of DX seeded by its first `period` values) at
 * 2 · period − 1. Flat stretches with no true range give DI 0 and DX 0
 * instead of 0/0.
 */
export function adx(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
): { adx: Float64Array; plusDI: Float64Array; minusDI: Float64Array } {
  const n = close.length;
  const plusDM = nanArray(n);
  const minusDM = nanArray(n);
  for (let t = 1; t < n; t++) {
    const up = high[t] - high[t - 1];
    const down = low[t - 1] - low[t];
    // Equal moves (within rounding, see isTie) count for neither side.
    const decided = !isTie(up - down, high[t]);
    plusDM[t] = decided && up > down && up > 0 ? up : 0;
    minusDM[t] = decided && down > up && down > 0 ? down : 0;
  }
  const range = wilderSum(trueRange(high, low, close), period);
  const plus = wilderSum(plusDM, period);
  const minus = wilderSum(minusDM, period);
  const plusDI = nanArray(n);
  const minusDI = nanArray(n);
  const dx = nanArray(n);
  for (let t = period; t < n; t++) {
    plusDI[t] = range[t] > 0 ? (100 * plus[t]) / range[t] : 0;
    minusDI[t] = range[t] > 0 ? (100 * minus[t]) / range[t] : 0;
    const sum = plusDI[t] + minusDI[t];
    dx[t] = sum > 0 ? (100 * Math.abs(plusDI[t] - minusDI[t])) / sum : 0;
  }
  return { adx: wilderAverage(dx, period), plusDI, minusDI };
}

/**
 * Bollinger bands: SMA ± stdDev · population standard deviation, with %B and
 * bandwidth (upper − lower) / middle, from index period − 1. A window without
 * spread (see hasSpread) puts %B at 0.5.
 */
export function bollinger(
  close: Float64Array,
  period: number,
  stdDev: number,
): {
  middle: Float64Array;
  upper: Float64Array;
  lower: Float64Array;
  percentB: Float64Array;
  bandwidth: Float64Array;
} {
  const n = close.length;
  const middle = rollingMean(close, period);
  const deviation = rollingStd(close, period, 0);
  const upper = nanArray(n);
  const lower = nanArray(n);
  const percentB = nanArray(n);
  const bandwidth = nanArray(n);
  for (let t = period - 1; t < n; t++) {
    upper[t] = middle[t] + stdDev * deviation[t];
    lower[t] = middle[t] - stdDev * deviation[t];
    const width = upper[t] - lower[t];
    percentB[t] = hasSpread(width, middle[t]) ? (close[t] - lower[t]) / width : 0.5;
    bandwidth[t] = width / middle[t];
  }
  return { middle, upper, lower, percentB, bandwidth };
}
