import fs from 'node:fs';
import path from 'node:path';
import bindings from '@duckdb/node-bindings';
import {
  BOOLEAN,
  DATE,
  DOUBLE,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBTableFunction,
  FLOAT,
  INTEGER,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBType,
} from '@duckdb/node-api';
import { errorMessage, fileSystemError } from '../errors.ts';
import type { ColumnData, ExportTable, Gather } from './table.ts';

export type ExportFormat = 'parquet' | 'csv';

/** DuckDB's vector size: rows per chunk handed to it. */
const CHUNK_ROWS = 2048;

const DUCKDB_TYPES: Record<ColumnData['type'], DuckDBType> = {
  VARCHAR,
  DATE,
  DOUBLE,
  FLOAT,
  INTEGER,
  BOOLEAN,
};

/**
 * Writes tables with DuckDB (in memory). A table is either streamed — a
 * table function whose chunks are filled column by column (numbers copied
 * straight into DuckDB's vectors) as `COPY (SELECT * FROM it) TO file` asks
 * for them, nothing kept in DuckDB — or, in the background, appended to a
 * DuckDB table at once and COPY'd on DuckDB's own threads while the caller
 * builds the next one. Each file is written under a temporary name beside
 * the target and renamed into place when complete.
 */
export class TableWriter {
  private readonly instance: DuckDBInstance;
  private readonly format: ExportFormat;
  private readonly pending: Promise<void>[] = [];
  private tables = 0;

  private constructor(instance: DuckDBInstance, format: ExportFormat) {
    this.instance = instance;
    this.format = format;
  }

  static async open(format: ExportFormat): Promise<TableWriter> {
    return new TableWriter(await DuckDBInstance.create(':memory:'), format);
  }

  /** Stream `table` to `file`: done when this resolves. */
  async write(table: ExportTable, file: string): Promise<void> {
    const connection = await this.instance.connect();
    const name = `mlx_export_${++this.tables}`;
    try {
      connection.registerTableFunction(tableFunction(name, table));
      await this.copy(connection, `(SELECT * FROM ${name}())`, table, file);
    } finally {
      connection.closeSync();
    }
  }

  /** Load `table` into DuckDB now and write `file` in the background: done once finish() resolves. */
  async writeInBackground(table: ExportTable, file: string): Promise<void> {
    const connection = await this.instance.connect();
    const name = `mlx_export_${++this.tables}`;
    let copy: Promise<void>;
    try {
      await appendTable(connection, name, table);
      copy = this.copy(connection, name, table, file).finally(() => connection.closeSync());
    } catch (err) {
      connection.closeSync();
      throw err;
    }
    // Awaited by finish(); never left unhandled meanwhile.
    copy.catch(() => undefined);
    this.pending.push(copy);
  }

  /** Wait for the background files, then release DuckDB. */
  async finish(): Promise<void> {
    try {
      await Promise.all(this.pending);
    } finally {
      await Promise.allSettled(this.pending);
      this.instance.closeSync();
    }
  }

  private async copy(
    connection: DuckDBConnection,
    source: string,
    table: ExportTable,
    file: string,
  ): Promise<void> {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
    try {
      await connection.run(
        `COPY ${source} TO ${literal(temp)} (${copyOptions(table, this.format)})`,
      );
      fs.renameSync(temp, file);
    } catch (err) {
      fs.rmSync(temp, { force: true });
      throw fileSystemError(err, 'cannot write', file);
    }
  }
}

/** Stream tables to their files, one after another (see TableWriter). */
export async function writeTables(
  outputs: readonly { table: ExportTable; file: string }[],
  format: ExportFormat,
): Promise<void> {
  const writer = await TableWriter.open(format);
  try {
    for (const { table, file } of outputs) await writer.write(table, file);
  } finally {
    await writer.finish();
  }
}

/** Create a DuckDB table like `table` and append every row, chunk by chunk. */
async function appendTable(
  connection: DuckDBConnection,
  name: string,
  table: ExportTable,
): Promise<void> {
  const columns = table.columns.map((c) => `${identifier(c.name)} ${c.data.type}`);
  await connection.run(`CREATE TABLE ${name} (${columns.join(', ')})`);
  const appender = await connection.createAppender(name);
  const chunk = DuckDBDataChunk.create(table.columns.map((c) => DUCKDB_TYPES[c.data.type]));
  try {
    for (let start = 0; start < table.rows; start += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, table.rows - start);
      bindings.data_chunk_reset(chunk.chunk);
      bindings.data_chunk_set_size(chunk.chunk, count);
      table.columns.forEach((column, c) =>
        fillVector(bindings.data_chunk_get_vector(chunk.chunk, c), column.data, start, count),
      );
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

function tableFunction(name: string, table: ExportTable): DuckDBTableFunction {
  return DuckDBTableFunction.create({
    name,
    bindFunction: (info) => {
      for (const column of table.columns)
        info.addResultColumn(column.name, DUCKDB_TYPES[column.data.type]);
    },
    initFunction: (info) => info.setInitData({ next: 0 }),
    mainFunction: (info, output) => {
      const state = info.initData as { next: number };
      const count = Math.min(CHUNK_ROWS, table.rows - state.next);
      // Zero rows ends the scan.
      output.rowCount = count;
      if (count === 0) return;
      try {
        table.columns.forEach((column, c) =>
          fillVector(
            bindings.data_chunk_get_vector(output.chunk, c),
            column.data,
            state.next,
            count,
          ),
        );
      } catch (err) {
        info.setError(errorMessage(err));
      }
      state.next += count;
    },
  });
}

function copyOptions(table: ExportTable, format: ExportFormat): string {
  if (format === 'csv') return 'FORMAT csv, HEADER true';
  const metadata = { mlx_schema: table.schema, ...table.metadata };
  const pairs = Object.entries(metadata).map(([k, v]) => `${identifier(k)}: ${literal(v)}`);
  // Continuous doubles gain nothing from dictionaries, and trying costs most of the time;
  // zstd at level 1 writes smaller files than snappy in less time (every Parquet reader has it).
  return `FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, DICTIONARY_SIZE_LIMIT 1, KV_METADATA {${pairs.join(', ')}}`;
}

type Vector = ReturnType<typeof bindings.data_chunk_get_vector>;

/** Copy rows [start, start + count) of a column into a chunk's vector, with its missing values. */
function fillVector(vector: Vector, data: ColumnData, start: number, count: number): void {
  const missing: number[] = [];
  switch (data.type) {
    case 'DOUBLE':
    case 'FLOAT':
    case 'INTEGER': {
      // A gathered column yields exactly these rows; a plain one is read from `start`.
      const [values, from] =
        'gather' in data ? [gathered(data.gather, start, count), 0] : [data.values, start];
      const size = values.BYTES_PER_ELEMENT;
      bindings.copy_data_to_vector(
        vector,
        0,
        values.buffer as ArrayBuffer,
        values.byteOffset + from * size,
        count * size,
      );
      if (data.type !== 'INTEGER')
        for (let i = 0; i < count; i++) if (Number.isNaN(values[from + i])) missing.push(i);
      break;
    }
    case 'DATE': {
      const days = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const value = data.values[start + i];
        if (value === null) missing.push(i);
        else days[i] = daysSinceEpoch(value);
      }
      bindings.copy_data_to_vector(vector, 0, days.buffer, 0, days.byteLength);
      break;
    }
    case 'BOOLEAN': {
      const bytes = new Uint8Array(count);
      for (let i = 0; i < count; i++) {
        const value = data.values[start + i];
        if (value === null) missing.push(i);
        else bytes[i] = value ? 1 : 0;
      }
      bindings.copy_data_to_vector(vector, 0, bytes.buffer, 0, bytes.byteLength);
      break;
    }
    case 'VARCHAR':
      for (let i = 0; i < count; i++) {
        const value = data.values[start + i];
        if (value === null) missing.push(i);
        else bindings.vector_assign_string_element(vector, i, value);
      }
      break;
  }
  if (missing.length === 0) return;
  // DuckDB's validity mask: bit i of 64-bit little-endian words, 1 = present.
  const mask = new Uint8Array(Math.ceil(count / 64) * 8).fill(0xff);
  for (const i of missing) mask[i >> 3] &= ~(1 << (i & 7));
  bindings.vector_ensure_validity_writable(vector);
  bindings.copy_data_to_vector_validity(vector, 0, mask.buffer, 0, mask.byteLength);
}

/** Rows [start, start + count) of a gathered column, as a fresh typed array. */
function gathered(
  gather: Gather<Float64Array> | Gather<Float32Array>,
  start: number,
  count: number,
) {
  const { matrix, width, column, rows } = gather;
  const out = matrix instanceof Float64Array ? new Float64Array(count) : new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = matrix[rows[start + i] * width + column];
  return out;
}

function daysSinceEpoch(day: string): number {
  return (
    Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) /
    86_400_000
  );
}

const identifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
