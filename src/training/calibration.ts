/**
 * Platt scaling: P(up) = σ(a · score + b), fitted by Newton's method on rows
 * the model did not train on (pure).
 */
export interface Calibration {
  a: number;
  b: number;
}

export function fitPlatt(
  scores: ArrayLike<number>,
  ups: ArrayLike<number>,
  iterations = 50,
): Calibration {
  const n = scores.length;
  // Scale scores so the Newton steps are well conditioned; undo at the end.
  let scale = 0;
  for (let i = 0; i < n; i++) scale += scores[i] * scores[i];
  scale = Math.sqrt(scale / Math.max(1, n)) || 1;
  let a = 0;
  let b = 0;
  for (let iteration = 0; iteration < iterations; iteration++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < n; i++) {
      const s = scores[i] / scale;
      const p = 1 / (1 + Math.exp(-(a * s + b)));
      const residual = p - ups[i];
      const w = p * (1 - p);
      ga += residual * s;
      gb += residual;
      haa += w * s * s;
      hab += w * s;
      hbb += w;
    }
    // Small ridge on a keeps a separable or empty sample finite.
    haa += 1e-3;
    ga += 1e-3 * a;
    const det = haa * hbb - hab * hab;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  return { a: a / scale, b };
}

export function calibrated(calibration: Calibration, score: number): number {
  return 1 / (1 + Math.exp(-(calibration.a * score + calibration.b)));
}

/**
 * The slope a of P(y) = σ(offset + a · x), fitted by Newton's method with
 * each row's offset held fixed (pure): how much a score adds to a base rate
 * that was fitted elsewhere.
 */
export function fitSlopeWithOffset(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  offset: ArrayLike<number>,
  iterations = 50,
): number {
  let a = 0;
  for (let iteration = 0; iteration < iterations; iteration++) {
    let gradient = 1e-3 * a;
    let hessian = 1e-3;
    for (let i = 0; i < x.length; i++) {
      const p = 1 / (1 + Math.exp(-(offset[i] + a * x[i])));
      gradient += (p - y[i]) * x[i];
      hessian += p * (1 - p) * x[i] * x[i];
    }
    const step = gradient / hessian;
    a -= step;
    if (Math.abs(step) < 1e-12 * (1 + Math.abs(a))) break;
  }
  return a;
}
