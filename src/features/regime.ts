import type { RegimeThresholds } from '../config.ts';
import { logReturns, realisedVolatility } from './kernels/returns.ts';
import { rollingSum } from './kernels/window.ts';

export type Regime = 'bullish' | 'bearish' | 'volatile' | 'sideways';

/** Regime codes as stored in a Uint8Array: the index into this list. */
export const REGIMES: readonly Regime[] = ['sideways', 'bullish', 'bearish', 'volatile'];

/** The code of a session without enough history to classify. */
export const REGIME_UNKNOWN = 255;

export const REGIME_CODE: Readonly<Record<Regime, number>> = {
  sideways: 0,
  bullish: 1,
  bearish: 2,
  volatile: 3,
};

export function regimeName(code: number): Regime | null {
  return code < REGIMES.length ? REGIMES[code] : null;
}

/**
 * The regime rule (config `regime`): bullish when the lookback return is above
 * `bullishReturn` and annualised volatility below `volatileAnnualised`;
 * bearish when the return is below `bearishReturn` with the same volatility
 * condition; volatile when volatility is above the threshold; sideways
 * otherwise (including volatility exactly at the threshold).
 */
export function classifyRegime(
  lookbackReturn: number,
  annualisedVolatility: number,
  thresholds: RegimeThresholds,
): Regime {
  const calm = annualisedVolatility < thresholds.volatileAnnualised;
  if (calm && lookbackReturn > thresholds.bullishReturn) return 'bullish';
  if (calm && lookbackReturn < thresholds.bearishReturn) return 'bearish';
  if (annualisedVolatility > thresholds.volatileAnnualised) return 'volatile';
  return 'sideways';
}

/**
 * Regime codes (see REGIMES) from one-session log returns. At t the lookback
 * return is exp(Σ of the last `lookbackSessions` returns) − 1 and volatility is
 * their sample standard deviation × √252; REGIME_UNKNOWN until a window lies
 * after the returns' NaN prefix (from index lookbackSessions for returns of closes).
 */
export function regimeFromReturns(
  oneDayLogReturns: Float64Array,
  thresholds: RegimeThresholds,
): Uint8Array {
  const period = thresholds.lookbackSessions;
  const sums = rollingSum(oneDayLogReturns, period);
  const volatility = realisedVolatility(oneDayLogReturns, period);
  const codes = new Uint8Array(oneDayLogReturns.length).fill(REGIME_UNKNOWN);
  for (let t = 0; t < codes.length; t++) {
    if (Number.isNaN(sums[t])) continue;
    codes[t] = REGIME_CODE[classifyRegime(Math.exp(sums[t]) - 1, volatility[t], thresholds)];
  }
  return codes;
}

/** Regime codes of a close series; the first `lookbackSessions` sessions are REGIME_UNKNOWN. */
export function regimeSeries(close: Float64Array, thresholds: RegimeThresholds): Uint8Array {
  return regimeFromReturns(logReturns(close, 1), thresholds);
}
