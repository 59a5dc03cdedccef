import type { RegimeThresholds } from '../config.ts';
import type { AdjustedSeries } from '../store/types.ts';
import type { MarketContext } from './context.ts';
import { alignToContext, marketRegimeSeries } from './context.ts';
import { rollingBeta } from './kernels/returns.ts';
import { nanArray, rollingSum } from './kernels/window.ts';
import type { FeatureParameters } from './parameters.ts';
import { REGIME_CODE, REGIME_UNKNOWN, regimeFromReturns } from './regime.ts';
import type { Columns } from './matrix.ts';

/**
 * The symbol against its market: market returns over the symbol's own
 * sessions, market volatility, rolling beta and correlation, relative
 * strength. Each symbol session t is matched to the last market date on or
 * before it; the market move over the session is the sum of the market's
 * returns since the previous session's market date, so a gap in the symbol's
 * history is compared with the market over the same span.
 */
export function marketColumns(
  series: AdjustedSeries,
  symbolReturns: Columns,
  context: MarketContext,
  p: FeatureParameters,
): Columns {
  const n = series.dates.length;
  const at = alignToContext(series.dates, context);
  const sessionMove = nanArray(n);
  for (let t = 1; t < n; t++) {
    if (at[t - 1] < 0) continue;
    let sum = 0;
    for (let i = at[t - 1] + 1; i <= at[t]; i++) sum += context.logReturn[i];
    sessionMove[t] = sum;
  }

  const marketReturn = (lag: number) => (lag === 1 ? sessionMove : rollingSum(sessionMove, lag));
  const columns: Columns = {};
  for (const lag of p.market.returnLags) columns[`mkt_ret_${lag}`] = marketReturn(lag);
  const volatility = nanArray(n);
  for (let t = 0; t < n; t++) if (at[t] >= 0) volatility[t] = context.volatility[at[t]];
  columns.mkt_vol_20 = volatility;

  const { beta, correlation } = rollingBeta(symbolReturns.ret_1, sessionMove, p.market.betaPeriod);
  columns.beta_60 = beta;
  columns.corr_60 = correlation;

  for (const lag of p.market.relativeStrengthLags) {
    const own = symbolReturns[`ret_${lag}`];
    const market = columns[`mkt_ret_${lag}`] ?? marketReturn(lag);
    const relative = nanArray(n);
    for (let t = 0; t < n; t++) relative[t] = own[t] - market[t];
    columns[`rel_strength_${lag}`] = relative;
  }
  return columns;
}

/**
 * One-hot regime columns (sideways is all zeros): the symbol's own regime and
 * the market's on the matched market date. NaN while a regime is unknown.
 */
export function regimeColumns(
  series: AdjustedSeries,
  oneDayReturns: Float64Array,
  context: MarketContext,
  thresholds: RegimeThresholds,
): Columns {
  const own = regimeFromReturns(oneDayReturns, thresholds);
  const marketByDate = marketRegimeSeries(context, thresholds);
  const at = alignToContext(series.dates, context);
  const market = new Uint8Array(at.length);
  for (let t = 0; t < at.length; t++) market[t] = at[t] >= 0 ? marketByDate[at[t]] : REGIME_UNKNOWN;
  return { ...oneHot('regime', own), ...oneHot('mkt_regime', market) };
}

function oneHot(prefix: string, codes: Uint8Array): Columns {
  const columns: Columns = {};
  for (const regime of ['bullish', 'bearish', 'volatile'] as const) {
    const code = REGIME_CODE[regime];
    const column = new Float64Array(codes.length);
    for (let t = 0; t < codes.length; t++) {
      column[t] = codes[t] === REGIME_UNKNOWN ? NaN : codes[t] === code ? 1 : 0;
    }
    columns[`${prefix}_${regime}`] = column;
  }
  return columns;
}
