import { firstFinite, nanArray, rollingMean } from './window.ts';

/** Simple moving average; defined from index period − 1. */
export function sma(values: Float64Array, period: number): Float64Array {
  return rollingMean(values, period);
}

/**
 * Exponential moving average with smoothing 2 / (period + 1), seeded by the
 * simple average of the first `period` finite inputs (as technicalindicators
 * does), so the first value sits at firstFinite + period − 1. Inputs must be
 * finite from their first finite value on (a warm-up prefix of NaN is fine).
 */
export function ema(values: Float64Array, period: number): Float64Array {
  return seededExponential(values, period, 2 / (period + 1));
}

/**
 * Wilder's moving average (smoothing 1 / period, the RMA behind RSI, ATR and
 * ADX), seeded like `ema`.
 */
export function wilderAverage(values: Float64Array, period: number): Float64Array {
  return seededExponential(values, period, 1 / period);
}

/**
 * Wilder's running total: the sum of the first `period` inputs, then
 * S − S / period + x. It is `period` × wilderAverage; ADX uses it for TR and
 * the directional movements, where only ratios matter.
 */
export function wilderSum(values: Float64Array, period: number): Float64Array {
  const out = nanArray(values.length);
  const start = firstFinite(values);
  const seedAt = start + period - 1;
  if (seedAt >= values.length) return out;
  let sum = 0;
  for (let k = start; k <= seedAt; k++) sum += values[k];
  out[seedAt] = sum;
  for (let t = seedAt + 1; t < values.length; t++) {
    sum = sum - sum / period + values[t];
    out[t] = sum;
  }
  return out;
}

function seededExponential(values: Float64Array, period: number, alpha: number): Float64Array {
  const out = nanArray(values.length);
  const start = firstFinite(values);
  const seedAt = start + period - 1;
  if (seedAt >= values.length) return out;
  let sum = 0;
  for (let k = start; k <= seedAt; k++) sum += values[k];
  let average = sum / period;
  out[seedAt] = average;
  for (let t = seedAt + 1; t < values.length; t++) {
    // The same update technicalindicators uses, so results agree to the last bits.
    average = (values[t] - average) * alpha + average;
    out[t] = average;
  }
  return out;
}
