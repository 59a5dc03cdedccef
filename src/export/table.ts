/**
 * A table to export, column by column (pure data): what the exporters build
 * and the writer turns into Parquet or CSV. Missing values: null in the
 * arrays of strings and booleans, NaN in DOUBLE columns.
 */
export type ColumnData =
  | { type: 'VARCHAR'; values: readonly (string | null)[] }
  /** YYYY-MM-DD. */
  | { type: 'DATE'; values: readonly (string | null)[] }
  | { type: 'DOUBLE'; values: Float64Array }
  /** Values that are single precision already (XGBoost's inputs), kept exact and half the size. */
  | { type: 'FLOAT'; values: Float32Array }
  /** A column of a row-major matrix, read in place (no copy of the whole column). */
  | { type: 'DOUBLE'; gather: Gather<Float64Array> }
  | { type: 'FLOAT'; gather: Gather<Float32Array> }
  | { type: 'INTEGER'; values: Int32Array }
  | { type: 'BOOLEAN'; values: readonly (boolean | null)[] };

/** Row i of the column is `matrix[rows[i] * width + column]`. */
export interface Gather<T extends Float64Array | Float32Array> {
  matrix: T;
  width: number;
  column: number;
  rows: Int32Array;
}

export interface ExportColumn {
  name: string;
  data: ColumnData;
}

export interface ExportTable {
  /** Versioned name of the layout, written into the Parquet file's metadata (mlx_schema). */
  schema: string;
  rows: number;
  columns: ExportColumn[];
  /** More key/value metadata for the Parquet file (strings). */
  metadata?: Record<string, string>;
}

/** Build a column from a list of rows (for the ledgers, which are lists of records). */
export function columnOf<T>(
  name: string,
  type: ColumnData['type'],
  rows: readonly T[],
  pick: (row: T) => string | number | boolean | null | undefined,
): ExportColumn {
  switch (type) {
    case 'DOUBLE':
      return { name, data: { type, values: Float64Array.from(rows, (r) => numberOr(pick(r))) } };
    case 'FLOAT':
      return { name, data: { type, values: Float32Array.from(rows, (r) => numberOr(pick(r))) } };
    case 'INTEGER':
      return { name, data: { type, values: Int32Array.from(rows, (r) => numberOr(pick(r), 0)) } };
    case 'BOOLEAN':
      return { name, data: { type, values: rows.map((r) => (pick(r) ?? null) as boolean | null) } };
    case 'DATE':
    case 'VARCHAR':
      return { name, data: { type, values: rows.map((r) => textOr(pick(r))) } };
  }
}

function textOr(value: unknown): string | null {
  return value === undefined || value === null ? null : String(value);
}

function numberOr(value: unknown, missing = NaN): number {
  return typeof value === 'number' ? value : missing;
}
