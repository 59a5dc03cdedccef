/**
 * Rolling-window primitives over typed arrays.
 *
 * Every output has the input's length and index t holds the value over the
 * window that ends at t (inclusive). Inputs may start with a NaN warm-up
 * prefix and must be finite after it; outputs are NaN until a window lies
 * wholly after the prefix.
 *
 * Sums run in O(1) per step (add the entering value, subtract the leaving
 * one) and are recomputed from scratch once per `period` steps and whenever
 * they cancel badly, so rounding never accumulates over more than two
 * windows: a value depends on history only through its window, to about 1e-15
 * relative, and the full-history and a truncated computation follow the same
 * schedule (it counts from the first finite input).
 */

export function nanArray(length: number): Float64Array {
  return new Float64Array(length).fill(NaN);
}

/** Index of the first finite value, or `values.length` when there is none. */
export function firstFinite(values: Float64Array): number {
  let i = 0;
  while (i < values.length && !Number.isFinite(values[i])) i++;
  return i;
}

export function rollingSum(values: Float64Array, period: number): Float64Array {
  const n = values.length;
  const out = nanArray(n);
  const first = firstFinite(values) + period - 1;
  let sum = 0;
  // An upper bound on the magnitudes that went through `sum` since it was
  // exact: its rounding error is below about 1e-16 of this.
  let magnitude = 0;
  let sinceExact = period;
  for (let t = first; t < n; t++) {
    if (sinceExact < period) {
      const entering = values[t];
      sum += entering - values[t - period];
      magnitude += Math.abs(entering);
    }
    // Recompute once per period, and whenever the sum has cancelled down to
    // the size of its rounding (a window of zero volume must sum to exactly 0).
    if (sinceExact === period || !(Math.abs(sum) > CANCELLATION * magnitude)) {
      sum = 0;
      magnitude = 0;
      for (let k = t - period + 1; k <= t; k++) {
        sum += values[k];
        magnitude += Math.abs(values[k]);
      }
      sinceExact = 0;
    }
    sinceExact++;
    out[t] = sum;
  }
  return out;
}

export function rollingMean(values: Float64Array, period: number): Float64Array {
  const out = rollingSum(values, period);
  for (let t = 0; t < out.length; t++) out[t] /= period;
  return out;
}

/**
 * Standard deviation over the window. `ddof` 0 is the population form
 * (Bollinger), 1 the sample form (realised volatility). The running sums are
 * of deviations from a centre re-taken at each exact recomputation (the
 * window mean then), so a large level with a small spread (prices) keeps its
 * precision.
 */
export function rollingStd(values: Float64Array, period: number, ddof: 0 | 1): Float64Array {
  const n = values.length;
  const out = nanArray(n);
  const first = firstFinite(values) + period - 1;
  let centre = 0;
  let sum = 0;
  let squares = 0;
  let sinceExact = period;
  for (let t = first; t < n; t++) {
    if (sinceExact === period) {
      centre = 0;
      for (let k = t - period + 1; k <= t; k++) centre += values[k];
      centre /= period;
      sum = 0;
      squares = 0;
      for (let k = t - period + 1; k <= t; k++) {
        const d = values[k] - centre;
        sum += d;
        squares += d * d;
      }
      sinceExact = 0;
    } else {
      const entering = values[t] - centre;
      const leaving = values[t - period] - centre;
      sum += entering - leaving;
      squares += entering * entering - leaving * leaving;
    }
    sinceExact++;
    let variance = (squares - (sum * sum) / period) / (period - ddof);
    // Heavy cancellation (the window mean has drifted far from the centre
    // compared with the spread, or the window is flat): compute this one directly.
    if (!(variance > CANCELLATION * (squares / (period - ddof)))) {
      variance = directVariance(values, t, period, ddof);
    }
    out[t] = variance > 0 ? Math.sqrt(variance) : 0;
  }
  return out;
}

/** A running sum (or variance) below this fraction of its inputs' magnitude has lost 8 digits. */
const CANCELLATION = 1e-8;

function directVariance(values: Float64Array, t: number, period: number, ddof: 0 | 1): number {
  let sum = 0;
  for (let k = t - period + 1; k <= t; k++) sum += values[k];
  const mean = sum / period;
  let squares = 0;
  for (let k = t - period + 1; k <= t; k++) squares += (values[k] - mean) ** 2;
  return squares / (period - ddof);
}

/** Rolling maximum by a monotonic deque: O(n) whatever the period. Inputs must be finite. */
export function rollingMax(values: Float64Array, period: number): Float64Array {
  return rollingExtreme(values, period, 1);
}

/** Rolling minimum by a monotonic deque: O(n) whatever the period. Inputs must be finite. */
export function rollingMin(values: Float64Array, period: number): Float64Array {
  return rollingExtreme(values, period, -1);
}

function rollingExtreme(values: Float64Array, period: number, sign: 1 | -1): Float64Array {
  const n = values.length;
  const out = nanArray(n);
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let t = 0; t < n; t++) {
    const x = sign * values[t];
    while (tail > head && sign * values[deque[tail - 1]] <= x) tail--;
    deque[tail++] = t;
    if (deque[head] <= t - period) head++;
    if (t >= period - 1) out[t] = values[deque[head]];
  }
  return out;
}

/**
 * Whether a spread is real rather than rounding: the mean of 20 equal doubles
 * is not always exactly that double, so a flat window shows a standard
 * deviation of about 1e-16 of its level, and dividing by it would turn noise
 * into large, unstable values.
 */
export function hasSpread(spread: number, level: number): boolean {
  return spread > SPREAD_TOLERANCE * Math.abs(level);
}

const SPREAD_TOLERANCE = 1e-10;

/**
 * Whether two prices are the same for a comparison. Adjusted prices carry
 * rounding of about 1e-16 (and sources round their adjusted close to about
 * 12 digits), so two bars with the same traded price can differ in the last
 * bits, and differently once the adjustment anchor moves. A decision on the
 * sign of such a difference (OBV, money flow, directional movement) must
 * call it a tie, or re-adjusting would flip it.
 */
export function isTie(difference: number, level: number): boolean {
  return Math.abs(difference) <= TIE_TOLERANCE * Math.abs(level);
}

const TIE_TOLERANCE = 1e-10;

/**
 * Population skewness and excess kurtosis over the window, computed directly
 * (two passes; the third and fourth powers would lose too much in running
 * sums). A window without spread (see hasSpread; measured against the mean
 * absolute value) has neither: both are 0 there rather than noise over noise.
 */
export function rollingMoments(
  values: Float64Array,
  period: number,
): { skew: Float64Array; kurtosis: Float64Array } {
  const skew = nanArray(values.length);
  const kurtosis = nanArray(values.length);
  for (let t = firstFinite(values) + period - 1; t < values.length; t++) {
    let sum = 0;
    let sumAbs = 0;
    for (let k = t - period + 1; k <= t; k++) {
      sum += values[k];
      sumAbs += Math.abs(values[k]);
    }
    const mean = sum / period;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (let k = t - period + 1; k <= t; k++) {
      const d = values[k] - mean;
      const d2 = d * d;
      m2 += d2;
      m3 += d2 * d;
      m4 += d2 * d2;
    }
    m2 /= period;
    m3 /= period;
    m4 /= period;
    if (hasSpread(Math.sqrt(m2), sumAbs / period)) {
      skew[t] = m3 / (m2 * Math.sqrt(m2));
      kurtosis[t] = m4 / (m2 * m2) - 3;
    } else {
      skew[t] = 0;
      kurtosis[t] = 0;
    }
  }
  return { skew, kurtosis };
}
