/**
 * The rows every model sees, columnar in one row-major block.
 *
 * NaN policy: a value that needs more history than the row has (warm-up) or
 * whose inputs are missing (no market context for that date) is NaN, never 0
 * or a carried-forward value, and its row is invalid (valid = 0). Once a
 * feature is warmed up it is always finite: divisions that could meet 0 (a
 * flat window, a zero-volume window, a day with no range) take a documented
 * neutral value instead. Consumers train and predict on valid rows only.
 */
export interface FeatureMatrix {
  symbol: string;
  /** One per bar of the input series. */
  dates: string[];
  /** Stable column names (see FEATURE_NAMES). */
  names: readonly string[];
  /** Row-major, dates.length × names.length; NaN where a value is not defined. */
  values: Float64Array;
  /** 1 when the row is complete: every value finite. */
  valid: Uint8Array;
}

/** Feature columns by name, one value per bar, before packing. */
export type Columns = Record<string, Float64Array>;

const BLOCK_ROWS = 32;

/** Pack named columns (each one per row) into a matrix, in the order of `names`. */
export function packColumns(
  symbol: string,
  dates: string[],
  names: readonly string[],
  columns: Readonly<Columns>,
): FeatureMatrix {
  const rows = dates.length;
  const width = names.length;
  const extra = Object.keys(columns).filter((name) => !names.includes(name));
  if (extra.length > 0) {
    throw new Error(`feature columns not in the feature set: ${extra.join(', ')}`);
  }
  const ordered = names.map((name) => {
    const column = columns[name];
    if (column === undefined || column.length !== rows) {
      throw new Error(`feature column ${name} is missing or has the wrong length`);
    }
    return column;
  });
  const values = new Float64Array(rows * width);
  const valid = new Uint8Array(rows).fill(1);
  // Transpose in blocks of rows so the writes stay within a few cache lines.
  for (let start = 0; start < rows; start += BLOCK_ROWS) {
    const end = Math.min(rows, start + BLOCK_ROWS);
    for (let j = 0; j < width; j++) {
      const column = ordered[j];
      for (let t = start, at = start * width + j; t < end; t++, at += width) {
        const value = column[t];
        values[at] = value;
        // value − value is 0 for a finite value, NaN for NaN and ±Infinity.
        if (value - value !== 0) valid[t] = 0;
      }
    }
  }
  return { symbol, dates, names, values, valid };
}

export function columnIndex(matrix: FeatureMatrix, name: string): number {
  const index = matrix.names.indexOf(name);
  if (index < 0) throw new Error(`no feature named ${name}`);
  return index;
}

/** One column copied out (for scalers, reports and tests). */
export function featureColumn(matrix: FeatureMatrix, name: string): Float64Array {
  const j = columnIndex(matrix, name);
  const width = matrix.names.length;
  const out = new Float64Array(matrix.dates.length);
  for (let t = 0; t < out.length; t++) out[t] = matrix.values[t * width + j];
  return out;
}

export function featureValue(matrix: FeatureMatrix, row: number, name: string): number {
  return matrix.values[row * matrix.names.length + columnIndex(matrix, name)];
}

/** A view of one row's values (no copy). */
export function featureRow(matrix: FeatureMatrix, row: number): Float64Array {
  const width = matrix.names.length;
  return matrix.values.subarray(row * width, (row + 1) * width);
}

/** The last row dated on or before `asOf`, or −1 when every row is later. */
export function rowAsOf(matrix: FeatureMatrix, asOf: string): number {
  let low = 0;
  let high = matrix.dates.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (matrix.dates[mid] <= asOf) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}
