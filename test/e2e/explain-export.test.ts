import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from '../helpers/suite.ts';
import { DuckDBInstance } from '@duckdb/node-api';
import { Booster, DMatrix, loadXGBoost, xgboostStatus } from '../../src/models/xgboost/index.ts';
import { runMlx, tempHome } from '../helpers/cli.ts';
import { cliSyntheticHome } from '../helpers/loop.ts';

const status = xgboostStatus();
const skip = status.available ? false : `libxgboost is not installed: ${status.reason}`;

async function rowCount(file: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const rows = (await connection.runAndReadAll(`SELECT count(*) FROM '${file}'`)).getRows();
    return Number(rows[0][0]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('mlx explain, export and models import as a user runs them', { skip }, () => {
  const home = tempHome();
  let version: string;
  let records: { id: string; symbol: string }[];

  before(async () => {
    await cliSyntheticHome(home, { count: 6, seed: 3, to: '2021-12-31' });
    const trained = await runMlx(['train', '--until', '2021-10-29', '--json'], { home });
    assert.equal(trained.code, 0, trained.stderr);
    version = JSON.parse(trained.stdout).version;
    const predicted = await runMlx(['predict', '--as-of', '2021-11-10', '--no-fetch', '--json'], {
      home,
    });
    assert.equal(predicted.code, 0, predicted.stderr);
    records = JSON.parse(predicted.stdout);
    assert.equal(records.length, 6);
  });

  it('explain --json: {prediction_id, bias, margin, contributions}; bias + Σ = margin', async () => {
    const run = await runMlx(['explain', records[2].id, '--json'], { home });
    assert.equal(run.code, 0, run.stderr);
    const explained = JSON.parse(run.stdout);
    assert.equal(explained.prediction_id, records[2].id);
    const sum = explained.contributions.reduce(
      (a: number, c: { contribution: number }) => a + c.contribution,
      explained.bias,
    );
    assert.ok(Math.abs(sum - explained.margin) < 1e-5);
    assert.ok(Math.abs(explained.recorded_margin - explained.margin) < 1e-5);
    const text = await runMlx(['explain', records[2].symbol, '--as-of', '2021-11-10'], { home });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /XGBoost: margin [+-]\d/);
    assert.match(text.stdout, /lstm/);
  });

  it('export predictions and bars: DuckDB reads back as many rows as the ledger and the store hold', async () => {
    const out = path.join(home, 'export');
    const run = await runMlx(['export', 'predictions', 'bars', '--out', out, '--json'], { home });
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.deepEqual(
      result.files.map((f: { what: string }) => f.what),
      ['predictions', 'bars'],
    );
    const ledger = fs
      .readdirSync(path.join(home, 'predictions'))
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) =>
        fs
          .readFileSync(path.join(home, 'predictions', f), 'utf8')
          .trim()
          .split('\n'),
      );
    assert.equal(await rowCount(path.join(out, 'predictions.parquet')), ledger.length);
    const bars = await runMlx(['data', 'ls', '--json'], { home });
    const stored = JSON.parse(bars.stdout).reduce(
      (n: number, s: { rows: number }) => n + s.rows,
      0,
    );
    assert.equal(await rowCount(path.join(out, 'bars.parquet')), stored);
    const bad = await runMlx(['export', 'trades', '--out', out, '--json'], { home });
    assert.equal(bad.code, 2);
    assert.match(JSON.parse(bad.stdout).error.message, /cannot export "trades"/);
  });

  it('models import: its own booster is accepted; another feature count exits 2', async () => {
    const dir = path.join(home, 'models', 'default', version);
    const ok = await runMlx(
      ['models', 'import', '--xgb', path.join(dir, 'xgb.json'), '--like', version, '--json'],
      { home },
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(JSON.parse(ok.stdout).note, /validation window only/);
    const other = path.join(home, 'other.json');
    // A booster of 7 features, as a user might bring from elsewhere.
    const lib = loadXGBoost();
    const x = Float32Array.from({ length: 100 * 7 }, (_, i) => Math.sin(i));
    const matrix = DMatrix.fromFloat32(lib, x, 100, 7, { labels: x.subarray(0, 100) });
    const booster = Booster.create(lib, { objective: 'reg:squarederror', nthread: 1 });
    booster.train({ train: matrix, rounds: 2 });
    fs.writeFileSync(other, booster.saveJson());
    booster.free();
    matrix.free();
    const refused = await runMlx(
      ['models', 'import', '--xgb', other, '--like', version, '--json'],
      { home },
    );
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(JSON.parse(refused.stdout).error.message, /has 7 input features/);
  });
});
