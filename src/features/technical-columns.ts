import type { AdjustedSeries } from '../store/types.ts';
import { ema, sma } from './kernels/averages.ts';
import { cci, macd, rsi, stochastic, williamsR } from './kernels/momentum.ts';
import { logReturns, realisedVolatility } from './kernels/returns.ts';
import { adx, atr, bollinger } from './kernels/volatility.ts';
import { logVolumeZScore, mfi, obvSlope, volumeRatio } from './kernels/volume.ts';
import { nanArray, rollingMax, rollingMin, rollingMoments } from './kernels/window.ts';
import type { Columns } from './matrix.ts';
import type { FeatureParameters } from './parameters.ts';

/**
 * The columns computed from the symbol's own bars. Every one is a ratio, a
 * log ratio or a bounded oscillator, so scaling all prices (or all volumes) by
 * a constant leaves it unchanged: adjustment is anchored at the last bar, so
 * the same day's prices differ by a constant factor between a store read
 * today and one read a year ago, and the features must not.
 */
export function technicalColumns(series: AdjustedSeries, p: FeatureParameters): Columns {
  const { open, high, low, close, volume } = series;
  const n = close.length;
  const columns: Columns = {};

  for (const lag of p.returnLags) columns[`ret_${lag}`] = logReturns(close, lag);
  const oneDay = columns.ret_1;

  columns.rsi_14 = rsi(close, p.rsiPeriod);

  const { line, signal, histogram } = macd(close, p.macd.fast, p.macd.slow, p.macd.signal);
  columns.macd_line = divide(line, close);
  columns.macd_signal = divide(signal, close);
  columns.macd_hist = divide(histogram, close);

  for (const period of p.smaPeriods) {
    columns[`close_sma_${period}`] = relativeTo(close, sma(close, period));
  }
  for (const period of p.emaPeriods) {
    columns[`close_ema_${period}`] = relativeTo(close, ema(close, period));
  }

  const bands = bollinger(close, p.bollinger.period, p.bollinger.stdDev);
  columns.bb_pctb_20 = bands.percentB;
  columns.bb_width_20 = bands.bandwidth;

  const stoch = stochastic(high, low, close, p.stochastic.period, p.stochastic.signal);
  columns.stoch_k_14 = stoch.k;
  columns.stoch_d_3 = stoch.d;
  columns.willr_14 = williamsR(high, low, close, p.williamsRPeriod);

  columns.atr_rel_14 = divide(atr(high, low, close, p.atrPeriod), close);
  const directional = adx(high, low, close, p.adxPeriod);
  columns.adx_14 = directional.adx;
  columns.plus_di_14 = directional.plusDI;
  columns.minus_di_14 = directional.minusDI;

  columns.obv_slope_20 = obvSlope(close, volume, p.obvSlopePeriod);
  columns.cci_20 = cci(high, low, close, p.cciPeriod);
  columns.mfi_14 = mfi(high, low, close, volume, p.mfiPeriod);
  columns.volume_ratio_20 = volumeRatio(volume, p.volumePeriod);
  columns.volume_z_20 = logVolumeZScore(volume, p.volumePeriod);

  for (const period of p.volatilityPeriods)
    columns[`rv_${period}`] = realisedVolatility(oneDay, period);
  const moments = rollingMoments(oneDay, p.momentsPeriod);
  columns.skew_20 = moments.skew;
  columns.kurt_20 = moments.kurtosis;

  columns.high_52w_dist = relativeTo(close, rollingMax(high, p.yearSessions));
  columns.low_52w_dist = relativeTo(close, rollingMin(low, p.yearSessions));

  const body = new Float64Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const range = high[t] - low[t];
    // A day with no range (a zero-volume day often has O = H = L = C) has no shape.
    if (!(range > 0)) continue;
    const top = Math.max(open[t], close[t]);
    const bottom = Math.min(open[t], close[t]);
    body[t] = (close[t] - open[t]) / range;
    upper[t] = (high[t] - top) / range;
    lower[t] = (bottom - low[t]) / range;
  }
  columns.candle_body = body;
  columns.candle_upper = upper;
  columns.candle_lower = lower;
  return columns;
}

/** value / close, elementwise; NaN where value is NaN. */
function divide(values: Float64Array, close: Float64Array): Float64Array {
  const out = nanArray(values.length);
  for (let t = 0; t < values.length; t++) out[t] = values[t] / close[t];
  return out;
}

/** close / reference − 1: how far the price sits above (+) or below (−) a level. */
function relativeTo(close: Float64Array, reference: Float64Array): Float64Array {
  const out = nanArray(close.length);
  for (let t = 0; t < close.length; t++) out[t] = close[t] / reference[t] - 1;
  return out;
}
