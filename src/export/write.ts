import fs from 'node:fs';
import path from 'node:path';
import {
  BOOLEAN,
  DATE,
  DOUBLE,
  DuckDBInstance,
  DuckDBTableFunction,
  FLOAT,
  INTEGER,
  VARCHAR,
  type DuckDBType,
} from '@duckdb/node-api';
import { errorMessage, fileSystemError } from '../errors.ts';
import { removeLeftoverTemps } from '../fsutil.ts';
import { CHUNK_ROWS, ChunkReader } from './chunks.ts';
import type { ColumnType, ExportTable } from './table.ts';

export type ExportFormat = 'parquet' | 'csv';

const DUCKDB_TYPES: Record<ColumnType, DuckDBType> = {
  VARCHAR,
  DATE,
  DOUBLE,
  FLOAT,
  INTEGER,
  BOOLEAN,
};

/** Bytes a value takes in DuckDB's vectors (a VARCHAR's 16-byte header, short strings inline). */
const VALUE_BYTES: Record<ColumnType, number> = {
  VARCHAR: 16,
  DATE: 4,
  DOUBLE: 8,
  FLOAT: 4,
  INTEGER: 4,
  BOOLEAN: 1,
};

/**
 * DuckDB's allocator keeps what a file's writing freed for the next one
 * unless told to hand it back: after every task, and from a background thread.
 */
const ALLOCATOR = { allocator_flush_threshold: '8MB', allocator_background_threads: 'true' };

/** DuckDB's own Parquet row group: the most rows a group holds. */
const DEFAULT_ROW_GROUP_ROWS = 122_880;

/**
 * DuckDB holds about three times a Parquet row group while it encodes and
 * compresses it (some 300 MB for the features' 109 columns at its default
 * size): a row group of a wide table is cut to about this many bytes.
 */
const ROW_GROUP_BYTES = 20 * 2 ** 20;

/**
 * Writes tables with DuckDB (in memory, holding no table): each table is a
 * table function whose chunks are filled from the table's batches (numbers
 * copied straight into DuckDB's vectors) as `COPY (SELECT * FROM it) TO
 * file` asks for them. Each file is written under a temporary name beside
 * the target and renamed into place when complete.
 */
export class TableWriter {
  private readonly instance: DuckDBInstance;
  private readonly format: ExportFormat;
  private tables = 0;

  private constructor(instance: DuckDBInstance, format: ExportFormat) {
    this.instance = instance;
    this.format = format;
  }

  static async open(format: ExportFormat): Promise<TableWriter> {
    return new TableWriter(await DuckDBInstance.create(':memory:', ALLOCATOR), format);
  }

  /** Stream `table` to `file`; resolves to the number of rows written. */
  async write(table: ExportTable, file: string): Promise<number> {
    const connection = await this.instance.connect();
    const name = `mlx_export_${++this.tables}`;
    const scan: Scan = { reader: null, failure: undefined };
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
    // What a killed export left in this folder goes first.
    removeLeftoverTemps(path.dirname(file));
    try {
      connection.registerTableFunction(tableFunction(name, table, scan));
      await connection.run(
        `COPY (SELECT * FROM ${name}()) TO ${literal(temp)} (${copyOptions(table, this.format)})`,
      );
      fs.renameSync(temp, file);
      return scan.reader?.rows ?? 0;
    } catch (err) {
      fs.rmSync(temp, { force: true });
      // A batch that failed (bars that cannot be read, say) is that error, not a write error.
      if (scan.failure !== undefined) throw scan.failure;
      throw fileSystemError(err, 'cannot write', file);
    } finally {
      connection.closeSync();
    }
  }

  close(): void {
    this.instance.closeSync();
  }
}

/** One scan of a table: its reader, and what stopped it if a batch threw. */
interface Scan {
  reader: ChunkReader | null;
  failure: unknown;
}

function tableFunction(name: string, table: ExportTable, scan: Scan): DuckDBTableFunction {
  return DuckDBTableFunction.create({
    name,
    bindFunction: (info) => {
      for (const column of table.columns)
        info.addResultColumn(column.name, DUCKDB_TYPES[column.type]);
    },
    initFunction: () => {
      scan.reader = new ChunkReader(table);
    },
    mainFunction: (info, output) => {
      try {
        // Zero rows ends the scan.
        (scan.reader as ChunkReader).fill(output.chunk);
      } catch (err) {
        scan.failure = err;
        info.setError(errorMessage(err));
      }
    },
  });
}

function copyOptions(table: ExportTable, format: ExportFormat): string {
  if (format === 'csv') return 'FORMAT csv, HEADER true';
  const metadata = { mlx_schema: table.schema, ...table.metadata };
  const pairs = Object.entries(metadata).map(([k, v]) => `${identifier(k)}: ${literal(v)}`);
  // Continuous doubles gain nothing from dictionaries, and trying costs most of the time;
  // zstd at level 1 writes smaller files than snappy in less time (every Parquet reader has it).
  return `FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, DICTIONARY_SIZE_LIMIT 1, ROW_GROUP_SIZE ${rowGroupRows(table)}, KV_METADATA {${pairs.join(', ')}}`;
}

/** Rows a row group of the table holds: whole chunks, about ROW_GROUP_BYTES, at most DuckDB's default. */
export function rowGroupRows(table: ExportTable): number {
  const rowBytes = table.columns.reduce((sum, c) => sum + VALUE_BYTES[c.type], 0);
  const chunks = Math.floor(ROW_GROUP_BYTES / Math.max(1, rowBytes) / CHUNK_ROWS);
  return Math.min(DEFAULT_ROW_GROUP_ROWS, Math.max(1, chunks) * CHUNK_ROWS);
}

const identifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
