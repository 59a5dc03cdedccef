import {
  adx,
  atr,
  averagegain,
  averageloss,
  bollingerbands,
  cci,
  ema,
  macd,
  mfi,
  obv,
  rsi,
  sma,
  stochastic,
  williamsr,
} from 'technicalindicators';

/**
 * technicalindicators, wrapped so index t belongs to bar t.
 *
 * The library returns only the defined values, a shorter array ending at the
 * last bar; these wrappers put each value back at its bar and NaN before it.
 * They are the reference the fast kernels in ./kernels are checked against
 * (test/unit/indicators.test.ts), not what features are computed with: at
 * about 100,000 rows/s for 13 indicators they are too slow for the whole set.
 */
export interface Bars {
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** Place `result` (the library's output, ending at the last bar) on bars 0..n−1. */
export function alignToBars(n: number, result: readonly (number | undefined)[]): Float64Array {
  const out = new Float64Array(n).fill(NaN);
  const offset = n - result.length;
  for (let i = 0; i < result.length; i++) {
    const value = result[i];
    out[offset + i] = value === undefined ? NaN : value;
  }
  return out;
}

const list = (values: Float64Array): number[] => Array.from(values);

export function referenceSma(values: Float64Array, period: number): Float64Array {
  return alignToBars(values.length, sma({ period, values: list(values) }));
}

export function referenceEma(values: Float64Array, period: number): Float64Array {
  return alignToBars(values.length, ema({ period, values: list(values) }));
}

/** RSI as the library gives it: rounded to two decimals. */
export function referenceRsi(close: Float64Array, period: number): Float64Array {
  return alignToBars(close.length, rsi({ period, values: list(close) }));
}

/** The unrounded Wilder averages behind the library's RSI. */
export function referenceAverageGainLoss(
  close: Float64Array,
  period: number,
): { avgGain: Float64Array; avgLoss: Float64Array } {
  const values = list(close);
  return {
    avgGain: alignToBars(close.length, averagegain({ period, values })),
    avgLoss: alignToBars(close.length, averageloss({ period, values })),
  };
}

export function referenceMacd(
  close: Float64Array,
  fastPeriod: number,
  slowPeriod: number,
  signalPeriod: number,
): { line: Float64Array; signal: Float64Array; histogram: Float64Array } {
  const result = macd({
    values: list(close),
    fastPeriod,
    slowPeriod,
    signalPeriod,
    SimpleMAOscillator: false,
    SimpleMASignal: false,
  });
  return {
    line: alignToBars(
      close.length,
      result.map((r) => r.MACD),
    ),
    signal: alignToBars(
      close.length,
      result.map((r) => r.signal),
    ),
    histogram: alignToBars(
      close.length,
      result.map((r) => r.histogram),
    ),
  };
}

export function referenceBollinger(
  close: Float64Array,
  period: number,
  stdDev: number,
): { middle: Float64Array; upper: Float64Array; lower: Float64Array; percentB: Float64Array } {
  const result = bollingerbands({ period, stdDev, values: list(close) });
  return {
    middle: alignToBars(
      close.length,
      result.map((r) => r.middle),
    ),
    upper: alignToBars(
      close.length,
      result.map((r) => r.upper),
    ),
    lower: alignToBars(
      close.length,
      result.map((r) => r.lower),
    ),
    percentB: alignToBars(
      close.length,
      result.map((r) => r.pb),
    ),
  };
}

export function referenceAtr(bars: Bars, period: number): Float64Array {
  const input = { high: list(bars.high), low: list(bars.low), close: list(bars.close), period };
  return alignToBars(bars.close.length, atr(input));
}

export function referenceAdx(
  bars: Bars,
  period: number,
): { adx: Float64Array; plusDI: Float64Array; minusDI: Float64Array } {
  const input = { high: list(bars.high), low: list(bars.low), close: list(bars.close), period };
  const result = adx(input);
  const n = bars.close.length;
  return {
    adx: alignToBars(
      n,
      result.map((r) => r.adx),
    ),
    plusDI: alignToBars(
      n,
      result.map((r) => r.pdi),
    ),
    minusDI: alignToBars(
      n,
      result.map((r) => r.mdi),
    ),
  };
}

export function referenceStochastic(
  bars: Bars,
  period: number,
  signalPeriod: number,
): { k: Float64Array; d: Float64Array } {
  const input = {
    high: list(bars.high),
    low: list(bars.low),
    close: list(bars.close),
    period,
    signalPeriod,
  };
  const result = stochastic(input);
  const n = bars.close.length;
  return {
    k: alignToBars(
      n,
      result.map((r) => r.k),
    ),
    d: alignToBars(
      n,
      result.map((r) => r.d),
    ),
  };
}

export function referenceWilliamsR(bars: Bars, period: number): Float64Array {
  const input = { high: list(bars.high), low: list(bars.low), close: list(bars.close), period };
  return alignToBars(bars.close.length, williamsr(input));
}

export function referenceCci(bars: Bars, period: number): Float64Array {
  const input = { high: list(bars.high), low: list(bars.low), close: list(bars.close), period };
  return alignToBars(bars.close.length, cci(input));
}

/** MFI as the library gives it: from bar period + 1, rounded to two decimals (see kernels/volume.ts). */
export function referenceMfi(bars: Bars, period: number): Float64Array {
  const input = {
    high: list(bars.high),
    low: list(bars.low),
    close: list(bars.close),
    volume: list(bars.volume),
    period,
  };
  return alignToBars(bars.close.length, mfi(input));
}

export function referenceObv(close: Float64Array, volume: Float64Array): Float64Array {
  return alignToBars(close.length, obv({ close: list(close), volume: list(volume) }));
}
