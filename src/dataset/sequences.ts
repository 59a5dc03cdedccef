import { DataError } from '../errors.ts';
import type { TrainSettings } from '../config.ts';
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

/** How the LSTM's inputs are put on one scale (`train.lstm.inputs`). */
export type LstmInputs = TrainSettings['lstm']['inputs'];

/** A centred rank is uniform on [−0.5, 0.5]: this gives it unit variance. */
export const RANK_SCALE = Math.sqrt(12);

/**
 * samples × timesteps × columns, row-major: each bar's features scaled with the
 * scaler's pooled moments (so levels that tell stocks apart survive), or with
 * `inputs` 'ranks' each ranked feature as its rank across the bar's date; only
 * the chosen columns (what `scaleInto` gives for them, without scaling the rest).
 */
export function buildSequences(
  data: Dataset,
  scaler: Scaler,
  rows: ArrayLike<number>,
  columns: Int32Array,
  timesteps: number,
  inputs: LstmInputs = 'pooled',
): Float32Array {
  const width = data.featureNames.length;
  const features = columns.length;
  const out = new Float32Array(rows.length * timesteps * features);
  const mean = Float64Array.from(columns, (c) => scaler.pooled.mean[c]);
  const std = Float64Array.from(columns, (c) => scaler.pooled.std[c]);
  const k = data.rankedNames.length;
  const rankOf = rankColumns(data.featureNames, data.rankedNames, columns, inputs);
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    const first = rows[i] - timesteps + 1;
    for (let step = 0; step < timesteps; step++) {
      const row = first + step;
      for (let c = 0; c < features; c++)
        out[at++] =
          rankOf[c] >= 0
            ? data.ranks[row * k + rankOf[c]] * RANK_SCALE
            : clipped(data.x[row * width + columns[c]], mean[c], std[c]);
    }
  }
  return out;
}

/**
 * For each chosen column, its index among the ranked features when the LSTM reads
 * ranks and the column is ranked, else −1 (read pooled).
 */
export function rankColumns(
  featureNames: readonly string[],
  rankedNames: readonly string[],
  columns: Int32Array,
  inputs: LstmInputs,
): Int32Array {
  if (inputs === 'pooled') return new Int32Array(columns.length).fill(-1);
  if (rankedNames.length === 0)
    throw new DataError(
      'train.lstm.inputs is "ranks" but train.featureRanks is false',
      'set train.featureRanks to true, or train.lstm.inputs to "pooled"',
    );
  return Int32Array.from(columns, (c) => rankedNames.indexOf(featureNames[c]));
}
