import type { AdjustedSeries } from '../store/types.ts';

/**
 * Training labels: what happened after each bar. This module looks forward
 * by design, so no feature code may import it (a unit test checks that).
 */
export interface ForwardLabels {
  /** log(close[t + h] / close[t]); NaN for the last h rows, which have no future yet. */
  logReturn: Float64Array;
  /** 1 when logReturn > 0; 0 otherwise, including the unlabelled last h rows. */
  up: Uint8Array;
}

/** Forward log return and direction over `horizonDays` sessions (bars, not calendar days). */
export function forwardLabels(series: AdjustedSeries, horizonDays: number): ForwardLabels {
  if (!Number.isInteger(horizonDays) || horizonDays < 1) {
    throw new RangeError(`horizonDays must be a positive integer, got ${horizonDays}`);
  }
  const close = series.close;
  const n = close.length;
  const logReturn = new Float64Array(n).fill(NaN);
  const up = new Uint8Array(n);
  for (let t = 0; t + horizonDays < n; t++) {
    const value = Math.log(close[t + horizonDays] / close[t]);
    logReturn[t] = value;
    up[t] = value > 0 ? 1 : 0;
  }
  return { logReturn, up };
}
