/**
 * A table to export (pure data): its columns, and its rows handed over batch
 * after batch as the writer asks for them, so that only a batch is held at a
 * time whatever the size of the table. Missing values: null in the arrays of
 * strings and booleans, NaN in DOUBLE and FLOAT columns.
 */
export type ColumnType = 'VARCHAR' | 'DATE' | 'DOUBLE' | 'FLOAT' | 'INTEGER' | 'BOOLEAN';

/** One column's values in one batch: exactly the batch's rows. */
export type ColumnData =
  | { type: 'VARCHAR'; values: readonly (string | null)[] }
  /** YYYY-MM-DD. */
  | { type: 'DATE'; values: readonly (string | null)[] }
  | { type: 'DOUBLE'; values: Float64Array }
  /** Values that are single precision already (XGBoost's inputs), kept exact and half the size. */
  | { type: 'FLOAT'; values: Float32Array }
  /** A column of a row-major matrix, read in place (no copy of the column). */
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

export interface ColumnSpec {
  name: string;
  type: ColumnType;
}

export interface ExportBatch {
  rows: number;
  /** In the order of the table's columns, each of its type. */
  columns: readonly ColumnData[];
}

export interface ExportTable {
  /** Versioned name of the layout, written into the Parquet file's metadata (mlx_schema). */
  schema: string;
  columns: readonly ColumnSpec[];
  /** More key/value metadata for the Parquet file (strings). */
  metadata?: Record<string, string>;
  /** The rows, batch after batch; called once per file written. */
  batches(): Iterable<ExportBatch>;
}

export interface ExportColumn {
  name: string;
  data: ColumnData;
}

/** A table whose columns are already whole (the ledgers, which are lists of records): one batch. */
export function wholeTable(
  schema: string,
  rows: number,
  columns: readonly ExportColumn[],
  metadata?: Record<string, string>,
): ExportTable {
  return {
    schema,
    columns: columns.map(({ name, data }) => ({ name, type: data.type })),
    ...(metadata ? { metadata } : {}),
    batches: () => [{ rows, columns: columns.map((c) => c.data) }],
  };
}

/** Build a column from a list of rows (for the ledgers, which are lists of records). */
export function columnOf<T>(
  name: string,
  type: ColumnType,
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
