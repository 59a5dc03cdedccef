import { firstFinite, hasSpread, nanArray, rollingStd } from './window.ts';

/** Sessions in a trading year, for annualising daily volatility. */
export const SESSIONS_PER_YEAR = 252;

/** log(close[t] / close[t − lag]), from index `lag`. */
export function logReturns(close: Float64Array, lag: number): Float64Array {
  const out = nanArray(close.length);
  for (let t = lag; t < close.length; t++) out[t] = Math.log(close[t] / close[t - lag]);
  return out;
}

/**
 * Annualised realised volatility: the sample standard deviation of the last
 * `period` one-session log returns × √252. With returns from `logReturns(·, 1)`
 * the first value is at index `period`.
 */
export function realisedVolatility(oneDayReturns: Float64Array, period: number): Float64Array {
  const out = rollingStd(oneDayReturns, period, 1);
  const scale = Math.sqrt(SESSIONS_PER_YEAR);
  for (let t = 0; t < out.length; t++) out[t] *= scale;
  return out;
}

/**
 * Rolling beta of `asset` on `market` (cov / var market) and their correlation
 * over `period` paired observations, from the first window in which both are
 * finite (both may start with a NaN prefix). Running sums are recomputed
 * exactly once per period, and directly for a window whose variances cancel
 * badly. A market without spread in the window gives beta 0 and correlation
 * 0; an asset without spread gives correlation 0.
 */
export function rollingBeta(
  asset: Float64Array,
  market: Float64Array,
  period: number,
): { beta: Float64Array; correlation: Float64Array } {
  const n = asset.length;
  const beta = nanArray(n);
  const correlation = nanArray(n);
  const first = Math.max(firstFinite(asset), firstFinite(market)) + period - 1;
  const sums = new Float64Array(5);
  let sinceExact = period;
  for (let t = first; t < n; t++) {
    if (sinceExact === period) {
      windowSums(asset, market, t, period, sums);
      sinceExact = 0;
    } else {
      const a = asset[t];
      const m = market[t];
      const oldA = asset[t - period];
      const oldM = market[t - period];
      sums[0] += a - oldA;
      sums[1] += m - oldM;
      sums[2] += a * a - oldA * oldA;
      sums[3] += m * m - oldM * oldM;
      sums[4] += a * m - oldA * oldM;
    }
    sinceExact++;
    let stats = centredStats(sums, period);
    if (!(stats.varAsset > CANCELLATION * sums[2]) || !(stats.varMarket > CANCELLATION * sums[3])) {
      stats = directStats(asset, market, t, period);
    }
    const marketMoves = hasSpread(Math.sqrt(stats.varMarket / period), stats.rmsMarket);
    const assetMoves = hasSpread(Math.sqrt(stats.varAsset / period), stats.rmsAsset);
    beta[t] = marketMoves ? stats.covariance / stats.varMarket : 0;
    correlation[t] =
      marketMoves && assetMoves
        ? stats.covariance / Math.sqrt(stats.varAsset * stats.varMarket)
        : 0;
  }
  return { beta, correlation };
}

/** Below this fraction of the raw second moment, a running variance has lost about 8 digits. */
const CANCELLATION = 1e-8;

interface PairStats {
  /** Sums of centred squares and products (not yet divided by the period). */
  covariance: number;
  varAsset: number;
  varMarket: number;
  /** Root mean squares, the scale hasSpread compares a standard deviation with. */
  rmsAsset: number;
  rmsMarket: number;
}

function windowSums(
  asset: Float64Array,
  market: Float64Array,
  t: number,
  period: number,
  sums: Float64Array,
): void {
  sums.fill(0);
  for (let k = t - period + 1; k <= t; k++) {
    const a = asset[k];
    const m = market[k];
    sums[0] += a;
    sums[1] += m;
    sums[2] += a * a;
    sums[3] += m * m;
    sums[4] += a * m;
  }
}

function centredStats(sums: Float64Array, period: number): PairStats {
  const rmsAsset = Math.sqrt(Math.max(sums[2], 0) / period);
  const rmsMarket = Math.sqrt(Math.max(sums[3], 0) / period);
  return {
    covariance: sums[4] - (sums[0] * sums[1]) / period,
    varAsset: sums[2] - (sums[0] * sums[0]) / period,
    varMarket: sums[3] - (sums[1] * sums[1]) / period,
    rmsAsset,
    rmsMarket,
  };
}

function directStats(
  asset: Float64Array,
  market: Float64Array,
  t: number,
  period: number,
): PairStats {
  let sumAsset = 0;
  let sumMarket = 0;
  let squaresAsset = 0;
  let squaresMarket = 0;
  for (let k = t - period + 1; k <= t; k++) {
    sumAsset += asset[k];
    sumMarket += market[k];
    squaresAsset += asset[k] * asset[k];
    squaresMarket += market[k] * market[k];
  }
  const meanAsset = sumAsset / period;
  const meanMarket = sumMarket / period;
  let covariance = 0;
  let varAsset = 0;
  let varMarket = 0;
  for (let k = t - period + 1; k <= t; k++) {
    const da = asset[k] - meanAsset;
    const dm = market[k] - meanMarket;
    covariance += da * dm;
    varAsset += da * da;
    varMarket += dm * dm;
  }
  return {
    covariance,
    varAsset,
    varMarket,
    rmsAsset: Math.sqrt(squaresAsset / period),
    rmsMarket: Math.sqrt(squaresMarket / period),
  };
}
