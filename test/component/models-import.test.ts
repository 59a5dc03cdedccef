import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from '../helpers/suite.ts';
import { DuckDBInstance } from '@duckdb/node-api';
import { exportData } from '../../src/commands/export.ts';
import { importModel } from '../../src/commands/models-import.ts';
import { predict } from '../../src/commands/predict.ts';
import { train } from '../../src/commands/train.ts';
import type { Context } from '../../src/context.ts';
import { ExitCode, UsageError } from '../../src/errors.ts';
import type { PredictionV2 } from '../../src/ledger/records.ts';
import { Booster, DMatrix, loadXGBoost, xgboostStatus } from '../../src/models/xgboost/index.ts';
import { manifestSchema } from '../../src/registry/manifest.ts';
import { tempHome } from '../helpers/cli.ts';
import { syntheticHome } from '../helpers/loop.ts';

const status = xgboostStatus();
const skip = status.available ? false : `libxgboost is not installed: ${status.reason}`;

/** A small booster on random data with `features` columns, saved as XGBoost JSON. */
function otherBooster(features: number, names?: string[]): string {
  const lib = loadXGBoost();
  const rows = 200;
  const x = Float32Array.from({ length: rows * features }, (_, i) => Math.sin(i * 1.7));
  const y = Float32Array.from({ length: rows }, (_, r) => x[r * features]);
  const matrix = DMatrix.fromFloat32(lib, x, rows, features, { labels: y, featureNames: names });
  const booster = Booster.create(lib, { objective: 'reg:squarederror', max_depth: 2, nthread: 1 });
  try {
    booster.train({ train: matrix, rounds: 3 });
    const file = path.join(tempHome('mlx-booster-'), 'xgb.json');
    fs.writeFileSync(file, booster.saveJson());
    return file;
  } finally {
    booster.free();
    matrix.free();
  }
}

const numbers = (record: PredictionV2) => ({
  predicted_price: record.predicted_price,
  predicted_change_pct: record.predicted_change_pct,
  low: record.interval.low,
  high: record.interval.high,
  probability_up: record.probability_up,
  probability_outperform: record.probability_outperform,
  confidence: record.confidence,
  expected_excess_pct: record.expected_excess_pct,
  rank_pct: record.rank_pct,
  ensemble_score: record.ensemble_score,
  ...record.components,
});

describe('mlx models import', { skip }, () => {
  let ctx: Context & { lines: string[] };
  let trained: Awaited<ReturnType<typeof train>>;

  before(async () => {
    ctx = await syntheticHome();
    trained = await train(ctx, { promote: 'always', until: '2021-10-29', walkForward: false });
  });

  it('VERSION/xgb.json like VERSION gives a version whose predictions equal VERSION’s', async () => {
    const imported = await importModel(ctx, {
      xgbFile: path.join(trained.dir, 'xgb.json'),
      like: trained.version,
    });
    assert.notEqual(imported.version, trained.version);
    assert.equal(imported.promoted, false);
    const read = (dir: string) =>
      manifestSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')));
    const original = read(trained.dir);
    const manifest = read(imported.dir);
    assert.deepEqual(manifest.imported?.like, { name: 'default', version: trained.version });
    assert.equal(manifest.imported?.evaluation, 'validation_window');
    // The head refitted on the validation window is the one train fitted there.
    assert.deepEqual(manifest.params.head, original.params.head);
    assert.equal(
      fs.readFileSync(path.join(imported.dir, 'scaler.json'), 'utf8'),
      fs.readFileSync(path.join(trained.dir, 'scaler.json'), 'utf8'),
    );
    const metrics = JSON.parse(fs.readFileSync(path.join(imported.dir, 'metrics.json'), 'utf8'));
    assert.equal(metrics.evaluation, 'validation_window');
    assert.match(metrics.note, /validation window only/);
    assert.deepEqual(metrics.walk_forward, {});
    assert.ok(metrics.validation_window.rows > 0);
    assert.equal(metrics.validation_window.metrics.ensemble.rows, metrics.validation_window.rows);

    const asOf = '2021-11-05';
    const mine = (await predict(ctx, { asOf, fetch: false, allowStale: true }))
      .appended as PredictionV2[];
    // The same session through the imported version (promoted for the moment).
    const current = path.join(ctx.home.modelsDir, 'default', 'CURRENT');
    fs.writeFileSync(current, `${imported.version}\n`);
    // One prediction per stock and session: the imported version's supersede the first ones.
    const again = (await predict(ctx, { asOf, fetch: false, allowStale: true, replace: true }))
      .appended as PredictionV2[];
    fs.writeFileSync(current, `${trained.version}\n`);
    assert.equal(again.length, mine.length);
    again.forEach((record, i) => {
      assert.equal(record.model.version, imported.version);
      const a = numbers(mine[i]);
      const b = numbers(record);
      for (const key of Object.keys(a) as (keyof typeof a)[])
        assert.ok(
          Math.abs((a[key] as number) - (b[key] as number)) <= 1e-6,
          `${key}: ${a[key]} vs ${b[key]}`,
        );
      assert.deepEqual(record.explain, mine[i].explain);
    });
  });

  it('a booster trained on features.parquet (its xgb_inputs, by those names) imports and predicts', async () => {
    const out = path.join(tempHome('mlx-export-'), 'export');
    await exportData(ctx, { what: ['features'], format: 'parquet', out });
    const file = path.join(out, 'features.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    let inputs: string[];
    let rows: unknown[][];
    try {
      const meta = (
        await connection.runAndReadAll(
          `SELECT decode(value) AS value FROM parquet_kv_metadata('${file}') WHERE decode(key) = 'xgb_inputs'`,
        )
      ).getRowObjectsJson();
      inputs = JSON.parse(meta[0].value as string);
      const columns = inputs.map((c) => `"${c}"`).join(', ');
      rows = (
        await connection.runAndReadAll(
          `SELECT ${columns}, label FROM '${file}' WHERE label IS NOT NULL AND date < DATE '2021-01-01'`,
        )
      ).getRows();
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    const manifest = manifestSchema.parse(
      JSON.parse(fs.readFileSync(path.join(trained.dir, 'manifest.json'), 'utf8')),
    );
    assert.equal(
      inputs.length,
      manifest.feature_set.names.length + (manifest.params.feature_ranks as string[]).length,
    );
    assert.equal(inputs[0], `${manifest.feature_set.names[0]}_scaled`);
    // "Elsewhere": XGBoost on the exported columns, as Python's xgb.train would.
    const lib = loadXGBoost();
    const width = inputs.length;
    const x = new Float32Array(rows.length * width);
    rows.forEach((row, r) =>
      row.slice(0, width).forEach((v, j) => (x[r * width + j] = v as number)),
    );
    const labels = Float32Array.from(rows, (row) => row[width] as number);
    const matrix = DMatrix.fromFloat32(lib, x, rows.length, width, {
      labels,
      featureNames: inputs,
    });
    const booster = Booster.create(lib, {
      objective: 'reg:squarederror',
      max_depth: 3,
      eta: 0.1,
      nthread: 2,
      seed: 1,
    });
    const xgbFile = path.join(out, 'xgb.json');
    try {
      booster.train({ train: matrix, rounds: 20 });
      fs.writeFileSync(xgbFile, booster.saveJson());
    } finally {
      booster.free();
      matrix.free();
    }
    const imported = await importModel(ctx, { xgbFile, like: trained.version, promote: true });
    try {
      assert.equal(imported.promoted, true);
      assert.ok(imported.metrics.ensemble && imported.metrics.xgb);
      const records = (await predict(ctx, { asOf: '2021-11-12', fetch: false, allowStale: true }))
        .appended as PredictionV2[];
      assert.equal(records.length, 8);
      assert.ok(
        records.every((r) => r.model.version === imported.version && r.explain?.length === 5),
      );
    } finally {
      fs.writeFileSync(path.join(ctx.home.modelsDir, 'default', 'CURRENT'), `${trained.version}\n`);
    }
  });

  it('refuses a booster with another feature count, or other feature names, with exit 2', async () => {
    const wrongCount = otherBooster(7);
    await assert.rejects(
      importModel(ctx, { xgbFile: wrongCount, like: trained.version }),
      (err: unknown) =>
        err instanceof UsageError &&
        err.exitCode === ExitCode.usage &&
        /has 7 input features; default\/\S+ takes \d+/.test(err.message),
    );
    const manifest = manifestSchema.parse(
      JSON.parse(fs.readFileSync(path.join(trained.dir, 'manifest.json'), 'utf8')),
    );
    const count =
      manifest.feature_set.names.length + (manifest.params.feature_ranks as string[]).length;
    const shuffled = Array.from({ length: count }, (_, i) => `f${i}`);
    await assert.rejects(
      importModel(ctx, { xgbFile: otherBooster(count, shuffled), like: trained.version }),
      (err: unknown) => err instanceof UsageError && /input 1 is "f0"/.test(err.message),
    );
    const notAModel = path.join(tempHome('mlx-booster-'), 'xgb.json');
    fs.writeFileSync(notAModel, '{"not": "a model"}');
    await assert.rejects(
      importModel(ctx, { xgbFile: notAModel, like: trained.version }),
      (err: unknown) => err instanceof UsageError && /not an XGBoost model/.test(err.message),
    );
    await assert.rejects(
      importModel(ctx, { xgbFile: wrongCount, like: '19990101T000000Z' }),
      UsageError,
    );
  });
});
