import { rankInputName } from './cross-section.ts';
import type { Dataset } from './panel.ts';
import { scaleInto, type Scaler } from './scaler.ts';
import { buildSequences } from './sequences.ts';

/**
 * Where the models' inputs come from, item by item: a dataset's rows
 * (training, walk-forward), or the members of a panel's cross-sections
 * (predict, explain, the backtest). Both give the same inputs for the same
 * bar, so a model scores it the same either way.
 */
export interface ModelInputs {
  symbolOf(item: number): string;
  /**
   * items × (features + ranks), row-major, into `out`: each item's features
   * scaled with its symbol's moments, then their ranks across its date's universe.
   */
  xgbInputs(items: ArrayLike<number>, scaler: Scaler, out: Float32Array): void;
  /**
   * items × timesteps × columns, row-major: the item's last `timesteps` bars
   * of `columns`, scaled with the pooled moments (so levels that tell stocks
   * apart survive).
   */
  lstmSequences(
    items: ArrayLike<number>,
    scaler: Scaler,
    columns: Int32Array,
    timesteps: number,
  ): Float32Array;
}

/** A dataset's rows as model inputs (the item is the row number). */
export function datasetInputs(data: Dataset): ModelInputs {
  return {
    symbolOf: (row) => data.symbols[data.symbolIndex[row]],
    xgbInputs: (rows, scaler, out) => fillInputs(data, scaler, rows, out),
    lstmSequences: (rows, scaler, columns, timesteps) =>
      buildSequences(data, scaler, rows, columns, timesteps),
  };
}

/** XGBoost's inputs: the scaled features, then their per-date ranks (when used). */
export function xgbInputNames(data: Dataset): string[] {
  return [...data.featureNames, ...data.rankedNames.map(rankInputName)];
}

/** rows × xgbInputNames, row-major: each row scaled with its symbol's moments, then its ranks. */
export function xgbInputs(data: Dataset, scaler: Scaler, rows: Int32Array): Float32Array {
  const width = data.featureNames.length + data.rankedNames.length;
  const values = new Float32Array(rows.length * width);
  fillInputs(data, scaler, rows, values);
  return values;
}

export function fillInputs(
  data: Dataset,
  scaler: Scaler,
  rows: ArrayLike<number>,
  out: Float32Array,
): void {
  const width = data.featureNames.length;
  const k = data.rankedNames.length;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const symbol = data.symbols[data.symbolIndex[r]];
    scaleInto(scaler, symbol, data.x.subarray(r * width, (r + 1) * width), out, i * (width + k));
    out.set(data.ranks.subarray(r * k, (r + 1) * k), i * (width + k) + width);
  }
}
