import type { RegimeThresholds } from '../config.ts';
import type { AdjustedSeries } from '../store/types.ts';
import { calendarColumns } from './calendar-columns.ts';
import type { MarketContext } from './context.ts';
import { buildMarketContext } from './context.ts';
import { marketColumns, regimeColumns } from './market-columns.ts';
import type { FeatureMatrix } from './matrix.ts';
import { packColumns } from './matrix.ts';
import { FEATURE_PARAMETERS } from './parameters.ts';
import { technicalColumns } from './technical-columns.ts';

/**
 * Feature set v1, in column order. Units: returns (log) and ratios are plain
 * fractions (0.01 = 1%); RSI, stochastic, ADX/DI and MFI are 0–100, Williams
 * %R −100–0; volatilities are annualised; regimes are one-hot (sideways = all
 * three 0). The NaN policy is in matrix.ts.
 */
export const FEATURE_NAMES = [
  // log(close[t] / close[t − k])
  'ret_1',
  'ret_2',
  'ret_3',
  'ret_5',
  'ret_10',
  'ret_20',
  'ret_60',
  'rsi_14',
  // MACD(12, 26, 9) line, signal and histogram, each divided by the close
  'macd_line',
  'macd_signal',
  'macd_hist',
  // close / average − 1
  'close_sma_20',
  'close_sma_50',
  'close_sma_200',
  'close_ema_12',
  'close_ema_26',
  // Bollinger(20, 2): %B and (upper − lower) / middle
  'bb_pctb_20',
  'bb_width_20',
  'stoch_k_14',
  'stoch_d_3',
  'willr_14',
  // ATR(14) / close
  'atr_rel_14',
  'adx_14',
  'plus_di_14',
  'minus_di_14',
  // net OBV change over 20 sessions / volume traded in them
  'obv_slope_20',
  'cci_20',
  'mfi_14',
  // volume / mean volume of the 20 sessions ending today; z-score of log volume in them
  'volume_ratio_20',
  'volume_z_20',
  // annualised realised volatility of one-session log returns
  'rv_5',
  'rv_20',
  'rv_60',
  // of the last 20 one-session log returns (kurtosis is excess)
  'skew_20',
  'kurt_20',
  // close / (52-week highest high) − 1 and close / (52-week lowest low) − 1
  'high_52w_dist',
  'low_52w_dist',
  // body, upper and lower shadow as fractions of the day's range (body is signed)
  'candle_body',
  'candle_upper',
  'candle_lower',
  'dow_sin',
  'dow_cos',
  'month_sin',
  'month_cos',
  // market: equal-weight log return over the symbol's last 1, 5, 20 sessions
  'mkt_ret_1',
  'mkt_ret_5',
  'mkt_ret_20',
  'mkt_vol_20',
  // of one-session returns against the market's, over 60 sessions
  'beta_60',
  'corr_60',
  // ret_k − mkt_ret_k
  'rel_strength_20',
  'rel_strength_60',
  // the symbol's own regime, then the market's (the regime rule, thresholds from config)
  'regime_bullish',
  'regime_bearish',
  'regime_volatile',
  'mkt_regime_bullish',
  'mkt_regime_bearish',
  'mkt_regime_volatile',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

export interface ComputeFeaturesOptions {
  regime: RegimeThresholds;
}

/**
 * Feature set v1 for one symbol: row t uses bars 0..t only (and market
 * context dates on or before bar t's date). Without a context the symbol is
 * its own market (market return = its own, beta and correlation 1 up to
 * rounding, relative strength 0), so the columns stay the same and the rows stay valid.
 */
export function computeFeatures(
  series: AdjustedSeries,
  context: MarketContext | null,
  options: ComputeFeaturesOptions,
): FeatureMatrix {
  const market = context ?? buildMarketContext([series]);
  const technical = technicalColumns(series, FEATURE_PARAMETERS);
  const columns = {
    ...technical,
    ...calendarColumns(series.dates),
    ...marketColumns(series, technical, market, FEATURE_PARAMETERS),
    ...regimeColumns(series, technical.ret_1, market, options.regime),
  };
  return packColumns(series.symbol, series.dates, FEATURE_NAMES, columns);
}
