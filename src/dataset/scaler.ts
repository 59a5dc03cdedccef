import type { Dataset } from './panel.ts';

/** Standardised values beyond this are clipped: one wild day must not dominate a batch. */
const CLIP = 8;

/**
 * Per-symbol standardisation (so features compare across symbols), fitted on
 * training rows only. A symbol without training rows uses the pooled figures.
 */
export interface Scaler {
  featureNames: readonly string[];
  bySymbol: Map<string, { mean: Float64Array; std: Float64Array }>;
  pooled: { mean: Float64Array; std: Float64Array };
}

export function fitScaler(data: Dataset, isTrainingRow: (row: number) => boolean): Scaler {
  const width = data.featureNames.length;
  const groups = data.symbols.length;
  const sums = new Float64Array((groups + 1) * width);
  const squares = new Float64Array((groups + 1) * width);
  const counts = new Float64Array(groups + 1);
  for (let r = 0; r < data.rows; r++) {
    if (!isTrainingRow(r)) continue;
    const g = data.symbolIndex[r];
    counts[g]++;
    counts[groups]++;
    for (let j = 0; j < width; j++) {
      const v = data.x[r * width + j];
      sums[g * width + j] += v;
      squares[g * width + j] += v * v;
      sums[groups * width + j] += v;
      squares[groups * width + j] += v * v;
    }
  }
  const moments = (g: number) => {
    const mean = new Float64Array(width);
    const std = new Float64Array(width);
    for (let j = 0; j < width; j++) {
      const m = sums[g * width + j] / counts[g];
      const variance = squares[g * width + j] / counts[g] - m * m;
      mean[j] = m;
      std[j] = variance > 1e-24 ? Math.sqrt(variance) : 1;
    }
    return { mean, std };
  };
  const pooled = moments(groups);
  const bySymbol = new Map<string, { mean: Float64Array; std: Float64Array }>();
  // Too few rows give a noisy scale: such a symbol uses the pooled one.
  data.symbols.forEach((symbol, g) => bySymbol.set(symbol, counts[g] >= 60 ? moments(g) : pooled));
  return { featureNames: data.featureNames, bySymbol, pooled };
}

/**
 * Scale a block of rows of one symbol (row-major, featureNames order) into
 * `out`: with the symbol's own moments, or with the pooled ones (symbol null).
 */
export function scaleInto(
  scaler: Scaler,
  symbol: string | null,
  values: ArrayLike<number>,
  out: Float32Array,
  offset = 0,
): void {
  const { mean, std } = (symbol !== null && scaler.bySymbol.get(symbol)) || scaler.pooled;
  const width = mean.length;
  for (let i = 0; i < values.length; i++) {
    const j = i % width;
    out[offset + i] = clipped(values[i], mean[j], std[j]);
  }
}

/**
 * One value standardised with a mean and standard deviation, clipped to ±CLIP.
 * The value is taken at float32 precision, as the dataset holds it, so a model
 * reads the same inputs whether they come from the dataset (train) or from
 * float64 features (predict, export).
 */
export function clipped(value: number, mean: number, std: number): number {
  const z = (Math.fround(value) - mean) / std;
  return z > CLIP ? CLIP : z < -CLIP ? -CLIP : z;
}

/**
 * The scaled feature matrix of a dataset's rows (all of them): per symbol
 * (XGBoost's inputs) or with the pooled moments (the LSTM's).
 */
export function scaleDataset(
  scaler: Scaler,
  data: Dataset,
  moments: 'per-symbol' | 'pooled' = 'per-symbol',
): Float32Array {
  const width = data.featureNames.length;
  const out = new Float32Array(data.rows * width);
  for (let r = 0; r < data.rows; r++) {
    scaleInto(
      scaler,
      moments === 'pooled' ? null : data.symbols[data.symbolIndex[r]],
      data.x.subarray(r * width, (r + 1) * width),
      out,
      r * width,
    );
  }
  return out;
}
