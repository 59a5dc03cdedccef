import { DataError } from '../errors.ts';
import type { Dataset } from './panel.ts';
import { clipped, type Scaler } from './scaler.ts';

/**
 * LSTM inputs: for a row at bar t, the scaled values of `columns` over bars
 * t − T + 1 … t of the same symbol. Rows are stored per symbol in bar order,
 * so the history of row r is rows r − T + 1 … r when they are consecutive bars.
 */
export function hasSequence(data: Dataset, row: number, timesteps: number): boolean {
  const first = row - timesteps + 1;
  if (first < 0) return false;
  return (
    data.symbolIndex[first] === data.symbolIndex[row] &&
    data.barIndex[row] - data.barIndex[first] === timesteps - 1
  );
}

export function columnIndices(
  featureNames: readonly string[],
  wanted: readonly string[],
): Int32Array {
  return Int32Array.from(wanted, (name) => {
    const index = featureNames.indexOf(name);
    if (index < 0) {
      throw new DataError(
        `LSTM feature "${name}" is not in the feature set`,
        `choose from: ${featureNames.join(', ')}`,
      );
    }
    return index;
  });
}

/**
 * samples × timesteps × columns, row-major: each bar's features scaled with the
 * scaler's pooled moments (so levels that tell stocks apart survive), and only
 * the chosen columns (what `scaleInto` gives for them, without scaling the rest).
 */
export function buildSequences(
  data: Dataset,
  scaler: Scaler,
  rows: ArrayLike<number>,
  columns: Int32Array,
  timesteps: number,
): Float32Array {
  const width = data.featureNames.length;
  const features = columns.length;
  const out = new Float32Array(rows.length * timesteps * features);
  const mean = Float64Array.from(columns, (c) => scaler.pooled.mean[c]);
  const std = Float64Array.from(columns, (c) => scaler.pooled.std[c]);
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    const first = rows[i] - timesteps + 1;
    for (let step = 0; step < timesteps; step++) {
      const base = (first + step) * width;
      for (let c = 0; c < features; c++)
        out[at++] = clipped(data.x[base + columns[c]], mean[c], std[c]);
    }
  }
  return out;
}
