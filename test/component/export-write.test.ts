import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { DataError } from '../../src/errors.ts';
import type { ColumnData, ExportBatch, ExportTable } from '../../src/export/table.ts';
import { TableWriter } from '../../src/export/write.ts';
import { tempHome } from '../helpers/cli.ts';

const ROWS = 5000;

/** Rows [from, to) of a table with every column type and a missing value in each. */
function rowsOf(from: number, to: number): ColumnData[] {
  const index = Array.from({ length: to - from }, (_, i) => from + i);
  return [
    { type: 'VARCHAR', values: index.map((i) => (i % 7 === 3 ? null : `s${i % 11}`)) },
    {
      type: 'DATE',
      values: index.map((i) =>
        i % 13 === 5 ? null : `20${10 + (i % 10)}-0${1 + (i % 9)}-1${i % 10}`,
      ),
    },
    { type: 'DOUBLE', values: Float64Array.from(index, (i) => (i % 5 === 0 ? NaN : i / 3)) },
    { type: 'FLOAT', values: Float32Array.from(index, (i) => (i % 17 === 1 ? NaN : i / 7)) },
    { type: 'INTEGER', values: Int32Array.from(index, (i) => i * 3 - 100) },
    { type: 'BOOLEAN', values: index.map((i) => (i % 3 === 0 ? null : i % 2 === 0)) },
  ];
}

function table(sizes: number[], fail?: Error): ExportTable {
  const names = ['name', 'day', 'x', 'f', 'n', 'b'];
  return {
    schema: 'mlx.test/1',
    columns: rowsOf(0, 0).map((c, i) => ({ name: names[i], type: c.type })),
    metadata: { note: 'batches' },
    *batches(): Generator<ExportBatch> {
      let from = 0;
      for (const size of sizes) {
        if (fail && from > 0) throw fail;
        yield { rows: size, columns: rowsOf(from, from + size) };
        from += size;
      }
    },
  };
}

async function write(file: string, sizes: number[], fail?: Error): Promise<number> {
  const writer = await TableWriter.open('parquet');
  try {
    return await writer.write(table(sizes, fail), file);
  } finally {
    writer.close();
  }
}

describe('TableWriter: a table handed over in batches', () => {
  it('writes the same file however the rows are cut into batches, missing values where they were', async () => {
    const dir = tempHome('mlx-export-write-');
    const whole = path.join(dir, 'whole.parquet');
    assert.equal(await write(whole, [ROWS]), ROWS);
    for (const sizes of [
      [1, 2047, 2050, 3, 899],
      [0, 4999, 0, 1],
      Array.from({ length: 500 }, () => 10),
    ]) {
      const cut = path.join(dir, `cut-${sizes.length}.parquet`);
      assert.equal(await write(cut, sizes), ROWS);
      assert.ok(fs.readFileSync(cut).equals(fs.readFileSync(whole)), `batches ${sizes.length}`);
    }
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const read = (
        await connection.runAndReadAll(
          `SELECT name, day::VARCHAR AS day, x, f, n, b FROM read_parquet('${whole}', file_row_number = true) WHERE file_row_number IN (0, 3, 5, 2048, 4999) ORDER BY file_row_number`,
        )
      ).getRowObjectsJson();
      const want = [0, 3, 5, 2048, 4999].map((i) => {
        const [name, day, x, f, n, b] = rowsOf(i, i + 1).map((c) =>
          'values' in c ? c.values[0] : null,
        );
        const number = (v: unknown) => (Number.isNaN(v) ? null : v);
        return { name, day, x: number(x), f: number(f), n, b };
      });
      assert.deepEqual(read, want);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('a batch that fails fails the write with its own error, and leaves no file behind', async () => {
    const dir = tempHome('mlx-export-write-');
    const file = path.join(dir, 'failed.parquet');
    const failure = new DataError('bars of XYZ cannot be read');
    await assert.rejects(write(file, [3000, 2000], failure), (err) => err === failure);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});
