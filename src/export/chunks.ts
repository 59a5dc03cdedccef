import bindings from '@duckdb/node-bindings';
import type { ColumnData, ExportBatch, ExportTable, Gather } from './table.ts';

/** DuckDB's vector size: rows per chunk handed to it. */
export const CHUNK_ROWS = 2048;

type Chunk = Parameters<typeof bindings.data_chunk_get_vector>[0];
type Vector = ReturnType<typeof bindings.data_chunk_get_vector>;

/** Rows [from, from + count) of a batch, placed at row `at` of a chunk. */
interface Segment {
  batch: ExportBatch;
  from: number;
  count: number;
  at: number;
}

/**
 * Turns a table's batches into DuckDB chunks of CHUNK_ROWS rows (the last
 * one shorter). A chunk takes rows from as many batches as it needs, so how
 * a table is cut into batches never changes what DuckDB receives, nor the
 * file it writes.
 */
export class ChunkReader {
  /** Rows handed over so far. */
  rows = 0;
  private readonly table: ExportTable;
  private readonly batches: Iterator<ExportBatch>;
  private batch: ExportBatch | null = null;
  private offset = 0;

  constructor(table: ExportTable) {
    this.table = table;
    this.batches = table.batches()[Symbol.iterator]();
  }

  /** Fill `chunk` with the next rows and set its size: 0 once the table is done. */
  fill(chunk: Chunk): number {
    const segments: Segment[] = [];
    let filled = 0;
    while (filled < CHUNK_ROWS) {
      if (this.batch === null || this.offset === this.batch.rows) {
        const next = this.batches.next();
        if (next.done) break;
        this.batch = checked(next.value, this.table);
        this.offset = 0;
        continue;
      }
      const count = Math.min(CHUNK_ROWS - filled, this.batch.rows - this.offset);
      segments.push({ batch: this.batch, from: this.offset, count, at: filled });
      this.offset += count;
      filled += count;
    }
    bindings.data_chunk_set_size(chunk, filled);
    for (let c = 0; c < this.table.columns.length; c++)
      fillVector(bindings.data_chunk_get_vector(chunk, c), segments, c, filled);
    this.rows += filled;
    return filled;
  }
}

/** A batch that does not match its table is a programming error: say which column. */
function checked(batch: ExportBatch, table: ExportTable): ExportBatch {
  if (batch.columns.length !== table.columns.length)
    throw new Error(
      `${table.schema}: a batch has ${batch.columns.length} columns, the table ${table.columns.length}`,
    );
  batch.columns.forEach((data, c) => {
    const length = 'gather' in data ? data.gather.rows.length : data.values.length;
    if (data.type !== table.columns[c].type || length !== batch.rows)
      throw new Error(
        `${table.schema}: column ${table.columns[c].name} has ${length} ${data.type} values in a batch of ${batch.rows} rows`,
      );
  });
  return batch;
}

/** Column c of every segment into one vector, then the vector's missing values. */
function fillVector(vector: Vector, segments: readonly Segment[], c: number, rows: number): void {
  const missing: number[] = [];
  for (const { batch, from, count, at } of segments)
    fillRows(vector, batch.columns[c], from, count, at, missing);
  if (missing.length === 0) return;
  // DuckDB's validity mask: bit i of 64-bit little-endian words, 1 = present.
  const mask = new Uint8Array(Math.ceil(rows / 64) * 8).fill(0xff);
  for (const i of missing) mask[i >> 3] &= ~(1 << (i & 7));
  bindings.vector_ensure_validity_writable(vector);
  bindings.copy_data_to_vector_validity(vector, 0, mask.buffer, 0, mask.byteLength);
}

/** Rows [from, from + count) of a column into a vector from row `at`, noting missing rows. */
function fillRows(
  vector: Vector,
  data: ColumnData,
  from: number,
  count: number,
  at: number,
  missing: number[],
): void {
  switch (data.type) {
    case 'DOUBLE':
    case 'FLOAT':
    case 'INTEGER': {
      // A gathered column yields exactly these rows; a plain one is read from `from`.
      const [column, offset] =
        'gather' in data ? [gathered(data.gather, from, count), 0] : [data.values, from];
      // DuckDB copies from an ArrayBuffer only; training's dataset lives on shared memory.
      const [values, start] =
        column.buffer instanceof SharedArrayBuffer
          ? [column.slice(offset, offset + count), 0]
          : [column, offset];
      const size = values.BYTES_PER_ELEMENT;
      bindings.copy_data_to_vector(
        vector,
        at * size,
        values.buffer as ArrayBuffer,
        values.byteOffset + start * size,
        count * size,
      );
      if (data.type !== 'INTEGER')
        for (let i = 0; i < count; i++) if (Number.isNaN(values[start + i])) missing.push(at + i);
      break;
    }
    case 'DATE': {
      const days = scratch.days;
      for (let i = 0; i < count; i++) {
        const value = data.values[from + i];
        days[i] = value === null ? 0 : daysSinceEpoch(value);
        if (value === null) missing.push(at + i);
      }
      bindings.copy_data_to_vector(vector, at * 4, days.buffer, 0, count * 4);
      break;
    }
    case 'BOOLEAN': {
      const bytes = scratch.bytes;
      for (let i = 0; i < count; i++) {
        const value = data.values[from + i];
        bytes[i] = value ? 1 : 0;
        if (value === null) missing.push(at + i);
      }
      bindings.copy_data_to_vector(vector, at, bytes.buffer, 0, count);
      break;
    }
    case 'VARCHAR':
      for (let i = 0; i < count; i++) {
        const value = data.values[from + i];
        if (value === null) missing.push(at + i);
        else bindings.vector_assign_string_element(vector, at + i, value);
      }
      break;
  }
}

/** Buffers that rows pass through on their way into a vector (copied at once, so reused). */
const scratch = {
  DOUBLE: new Float64Array(CHUNK_ROWS),
  FLOAT: new Float32Array(CHUNK_ROWS),
  days: new Int32Array(CHUNK_ROWS),
  bytes: new Uint8Array(CHUNK_ROWS),
};

/** Rows [start, start + count) of a gathered column, in the scratch buffer of its type. */
function gathered(
  gather: Gather<Float64Array> | Gather<Float32Array>,
  start: number,
  count: number,
) {
  const { matrix, width, column, rows } = gather;
  const out = matrix instanceof Float64Array ? scratch.DOUBLE : scratch.FLOAT;
  for (let i = 0; i < count; i++) out[i] = matrix[rows[start + i] * width + column];
  return out;
}

function daysSinceEpoch(day: string): number {
  return (
    Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) /
    86_400_000
  );
}
