import { ema, wilderAverage } from './averages.ts';
import { hasSpread, nanArray, rollingMax, rollingMean, rollingMin } from './window.ts';

/**
 * Wilder's average gain and loss of the close-to-close changes: seeded by the
 * plain mean of the first `period` changes, so the first value is at index
 * `period` (the change at t needs bar t − 1).
 */
export function averageGainLoss(
  close: Float64Array,
  period: number,
): { avgGain: Float64Array; avgLoss: Float64Array } {
  const n = close.length;
  const gains = nanArray(n);
  const losses = nanArray(n);
  for (let t = 1; t < n; t++) {
    const change = close[t] - close[t - 1];
    gains[t] = change > 0 ? change : 0;
    losses[t] = change < 0 ? -change : 0;
  }
  return { avgGain: wilderAverage(gains, period), avgLoss: wilderAverage(losses, period) };
}

/**
 * RSI (Wilder), 0–100, first value at index `period`. Written as
 * 100 · gain / (gain + loss), which equals 100 − 100 / (1 + RS). Sessions with
 * neither gains nor losses give 50 (technicalindicators says 100 there), and
 * unlike technicalindicators the value is not rounded to two decimals.
 */
export function rsi(close: Float64Array, period: number): Float64Array {
  const { avgGain, avgLoss } = averageGainLoss(close, period);
  const out = nanArray(close.length);
  for (let t = period; t < close.length; t++) {
    const total = avgGain[t] + avgLoss[t];
    out[t] = total > 0 ? (100 * avgGain[t]) / total : 50;
  }
  return out;
}

/**
 * MACD: EMA(fast) − EMA(slow) of the close, its EMA(signal), and their
 * difference. The line starts at slow − 1, signal and histogram at
 * slow + signal − 2 (technicalindicators with SimpleMAOscillator and
 * SimpleMASignal false).
 */
export function macd(
  close: Float64Array,
  fastPeriod: number,
  slowPeriod: number,
  signalPeriod: number,
): { line: Float64Array; signal: Float64Array; histogram: Float64Array } {
  const fast = ema(close, fastPeriod);
  const slow = ema(close, slowPeriod);
  const line = nanArray(close.length);
  for (let t = 0; t < close.length; t++) line[t] = fast[t] - slow[t];
  const signal = ema(line, signalPeriod);
  const histogram = nanArray(close.length);
  for (let t = 0; t < close.length; t++) histogram[t] = line[t] - signal[t];
  return { line, signal, histogram };
}

/**
 * Fast stochastic: %K = 100 · (close − lowest low) / (highest high − lowest low)
 * over `period` bars including today (from index period − 1), %D = SMA(signal)
 * of %K. A window with no range gives %K = 50 (technicalindicators says 0).
 */
export function stochastic(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  signalPeriod: number,
): { k: Float64Array; d: Float64Array } {
  const highest = rollingMax(high, period);
  const lowest = rollingMin(low, period);
  const k = nanArray(close.length);
  for (let t = period - 1; t < close.length; t++) {
    const range = highest[t] - lowest[t];
    k[t] = range > 0 ? (100 * (close[t] - lowest[t])) / range : 50;
  }
  return { k, d: rollingMean(k, signalPeriod) };
}

/**
 * Williams %R, −100–0, same window as %K. A window with no range gives −50
 * (technicalindicators gives NaN).
 */
export function williamsR(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
): Float64Array {
  const highest = rollingMax(high, period);
  const lowest = rollingMin(low, period);
  const out = nanArray(close.length);
  for (let t = period - 1; t < close.length; t++) {
    const range = highest[t] - lowest[t];
    out[t] = range > 0 ? (-100 * (highest[t] - close[t])) / range : -50;
  }
  return out;
}

/**
 * Commodity Channel Index: (TP − SMA(TP)) / (0.015 · mean absolute deviation),
 * TP = (high + low + close) / 3, from index period − 1. No deviation (see
 * hasSpread) gives 0.
 */
export function cci(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
): Float64Array {
  const n = close.length;
  const typical = new Float64Array(n);
  for (let t = 0; t < n; t++) typical[t] = (high[t] + low[t] + close[t]) / 3;
  const mean = rollingMean(typical, period);
  const out = nanArray(n);
  for (let t = period - 1; t < n; t++) {
    let deviation = 0;
    for (let k = t - period + 1; k <= t; k++) deviation += Math.abs(typical[k] - mean[t]);
    deviation /= period;
    out[t] = hasSpread(deviation, mean[t]) ? (typical[t] - mean[t]) / (0.015 * deviation) : 0;
  }
  return out;
}
