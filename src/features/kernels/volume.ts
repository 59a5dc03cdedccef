import { isTie, nanArray, rollingMean, rollingSum } from './window.ts';

/**
 * Money Flow Index, 0–100, from index `period` (each flow compares today's
 * typical price with yesterday's). Standard definition: a day whose typical
 * price is unchanged (within rounding, see isTie) adds to neither side; a
 * window with no flow at all (zero volume throughout) gives 50.
 * technicalindicators differs: it skips bar 0 (first value at period + 1),
 * counts unchanged days as negative flow and rounds to two decimals.
 */
export function mfi(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  period: number,
): Float64Array {
  const n = close.length;
  // Bar 0 has no previous typical price, hence no flow: NaN keeps it out of every window.
  const positive = nanArray(n);
  const negative = nanArray(n);
  let previous = (high[0] + low[0] + close[0]) / 3;
  for (let t = 1; t < n; t++) {
    const typical = (high[t] + low[t] + close[t]) / 3;
    const unchanged = isTie(typical - previous, typical);
    positive[t] = !unchanged && typical > previous ? typical * volume[t] : 0;
    negative[t] = !unchanged && typical < previous ? typical * volume[t] : 0;
    previous = typical;
  }
  const up = rollingSum(positive, period);
  const down = rollingSum(negative, period);
  const out = nanArray(n);
  for (let t = period; t < n; t++) {
    const total = up[t] + down[t];
    out[t] = total > 0 ? (100 * up[t]) / total : 50;
  }
  return out;
}

/**
 * On-balance volume, 0 at bar 0 (technicalindicators starts its output at bar 1
 * with the same values). Its level depends on the share basis, so features use
 * obvSlope instead.
 */
export function obv(close: Float64Array, volume: Float64Array): Float64Array {
  const out = new Float64Array(close.length);
  for (let t = 1; t < close.length; t++) {
    const sign = close[t] > close[t - 1] ? 1 : close[t] < close[t - 1] ? -1 : 0;
    out[t] = out[t - 1] + sign * volume[t];
  }
  return out;
}

/**
 * OBV slope: the OBV change over `period` sessions divided by the volume traded
 * in them, (OBV[t] − OBV[t − period]) / Σ volume, in −1..1 and free of the share
 * basis a split changes. From index `period`; no volume in the window gives 0.
 */
export function obvSlope(close: Float64Array, volume: Float64Array, period: number): Float64Array {
  const n = close.length;
  const signed = nanArray(n);
  for (let t = 1; t < n; t++) signed[t] = closeDirection(close, t) * volume[t];
  const net = rollingSum(signed, period);
  const total = rollingSum(volume, period);
  const out = nanArray(n);
  for (let t = period; t < n; t++) out[t] = total[t] > 0 ? net[t] / total[t] : 0;
  return out;
}

/** +1 up, −1 down, 0 unchanged (within rounding, see isTie) from the previous close. */
function closeDirection(close: Float64Array, t: number): number {
  const change = close[t] - close[t - 1];
  if (isTie(change, close[t])) return 0;
  return change > 0 ? 1 : -1;
}

/** Today's volume over the mean volume of the `period` sessions ending today; 1 when that mean is 0. */
export function volumeRatio(volume: Float64Array, period: number): Float64Array {
  const mean = rollingMean(volume, period);
  const out = nanArray(volume.length);
  for (let t = period - 1; t < volume.length; t++) {
    out[t] = mean[t] > 0 ? volume[t] / mean[t] : 1;
  }
  return out;
}

/**
 * z-score of today's log volume within the `period` sessions ending today.
 * log(0) does not exist, so log volumes are floored at the log of 1% of the
 * window's mean volume. Scaling every volume (a split) shifts every log by
 * the same amount, so the score does not depend on the share basis. A window
 * without volume or without spread gives 0.
 */
export function logVolumeZScore(volume: Float64Array, period: number): Float64Array {
  const n = volume.length;
  const logVolume = new Float64Array(n);
  for (let t = 0; t < n; t++) logVolume[t] = Math.log(volume[t]);
  const mean = rollingMean(volume, period);
  const out = nanArray(n);
  const logs = new Float64Array(period);
  for (let t = period - 1; t < n; t++) {
    if (!(mean[t] > 0)) {
      out[t] = 0;
      continue;
    }
    const floor = Math.log(0.01 * mean[t]);
    let logSum = 0;
    for (let k = 0; k < period; k++) {
      const value = logVolume[t - period + 1 + k];
      logs[k] = value > floor ? value : floor;
      logSum += logs[k];
    }
    const logMean = logSum / period;
    let squares = 0;
    for (let k = 0; k < period; k++) squares += (logs[k] - logMean) ** 2;
    const deviation = Math.sqrt(squares / period);
    // Log volumes are about 10–20; a spread below 1e-9 is rounding of equal volumes.
    out[t] = deviation > 1e-9 ? (logs[period - 1] - logMean) / deviation : 0;
  }
  return out;
}
