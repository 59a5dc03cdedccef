/** Small pure statistics used by the metrics. NaN inputs must be filtered by the caller. */

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length === 0 ? NaN : sum / values.length;
}

/** Sample standard deviation (n − 1). */
export function stdev(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return NaN;
  const m = mean(values);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return NaN;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  // A constant series (up to rounding in its mean) has no correlation with anything.
  const flat = (ss: number, m: number) => ss <= 1e-24 * n * (m * m + 1e-300) || ss === 0;
  return flat(sxx, mx) || flat(syy, my) ? NaN : sxy / Math.sqrt(sxx * syy);
}

/**
 * Ranks 1..n with ties given their average rank. Sorted as a typed array
 * (native, numeric) and each value's run of equals found by binary search:
 * several times faster than sorting indices with a comparator, which matters
 * for the per-date ranks of every feature (hundreds of thousands of calls).
 */
export function ranks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const result = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const value = values[i];
    // First position not below the value, and first above it: the run of its equals.
    let low = 0;
    let high = n;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sorted[middle] < value) low = middle + 1;
      else high = middle;
    }
    let end = low;
    high = n;
    while (end < high) {
      const middle = (end + high) >> 1;
      if (sorted[middle] <= value) end = middle + 1;
      else high = middle;
    }
    result[i] = (low + end - 1) / 2 + 1;
  }
  return result;
}

/**
 * Fewest rows of a date for it to count in a cross-sectional figure: a daily Rank IC, a
 * traded long/short session, a paired daily comparison. The walk-forward metrics, the
 * report and backtest --compare all use it, so their figures count the same dates.
 */
export const MIN_CROSS_SECTION = 5;

export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(ranks(x), ranks(y));
}

/** Empirical quantile with linear interpolation (type 7), q in [0, 1]. */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/**
 * t-statistic of a series' mean with a Newey–West (Bartlett) standard error:
 * daily IC of h-day returns overlaps, and the plain t would overstate it.
 */
export function neweyWestT(series: ArrayLike<number>, lags: number): number {
  const n = series.length;
  if (n < 3) return NaN;
  const m = mean(series);
  const gamma = (k: number) => {
    let sum = 0;
    for (let i = k; i < n; i++) sum += (series[i] - m) * (series[i - k] - m);
    return sum / n;
  };
  let variance = gamma(0);
  for (let k = 1; k <= Math.min(lags, n - 1); k++) variance += 2 * (1 - k / (lags + 1)) * gamma(k);
  return variance > 0 ? m / Math.sqrt(variance / n) : NaN;
}

/** Area under the ROC curve by the rank-sum (Mann–Whitney) formula; NaN with one class only. */
export function auc(scores: ArrayLike<number>, positive: ArrayLike<number>): number {
  const r = ranks(scores);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < scores.length; i++) {
    if (positive[i]) {
      positives++;
      rankSum += r[i];
    }
  }
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Wilson score interval for a binomial proportion (z = 1.96 for 95%). */
export function wilson(hits: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: NaN, high: NaN };
  const p = hits / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  return { low: centre - half, high: centre + half };
}
