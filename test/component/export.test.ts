import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from '../helpers/suite.ts';
import { importFiles } from '../../src/commands/data-import.ts';
import { exportData } from '../../src/commands/export.ts';
import { verify } from '../../src/commands/verify.ts';
import type { Context } from '../../src/context.ts';
import { UsageError } from '../../src/errors.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { predictionSchema } from '../../src/ledger/records.ts';
import { PriceStore } from '../../src/store/price-store.ts';
import { buildDataset, loadPanel } from '../../src/dataset/panel.ts';
import { tempHome } from '../helpers/cli.ts';
import { query } from '../helpers/duckdb.ts';
import { testContext } from '../helpers/context.ts';
import { appendPredictions, handPrediction } from '../helpers/ledger.ts';
import { syntheticHome } from '../helpers/loop.ts';
import { skipWithoutSp500, sp500Files } from '../helpers/shared-data.ts';

const count = async (file: string) =>
  Number((await query(`SELECT count(*) AS n FROM '${file}'`))[0].n);

describe('mlx export: Parquet and CSV read back by DuckDB', () => {
  let ctx: Context & { lines: string[] };
  let out: string;

  before(async () => {
    ctx = await syntheticHome(6);
    const symbols = ['SYN001', 'SYN002', 'SYN003', 'SYN004', 'SYN005', 'SYN006'];
    const records = ['2021-11-01', '2021-11-02', '2021-11-03', '2021-12-01'].flatMap((asOf) =>
      symbols.map((s) =>
        handPrediction(ctx, s, asOf, {
          in_sample: asOf === '2021-11-03' ? true : undefined,
        }),
      ),
    );
    appendPredictions(ctx, records);
    // A duplicated line counts once, as every reader counts it.
    appendPredictions(ctx, [records[0]]);
    await verify(ctx, { dryRun: false, fetch: false });
    out = path.join(tempHome('mlx-export-'), 'out');
  });

  it('predictions and verifications: as many rows as the ledgers hold, fields flattened', async () => {
    const result = await exportData(ctx, {
      what: ['predictions', 'verifications'],
      format: 'parquet',
      out,
    });
    const file = path.join(out, 'predictions.parquet');
    assert.deepEqual(
      result.files.map((f) => f.file),
      [file, path.join(out, 'verifications.parquet')],
    );
    assert.equal(await count(file), 24);
    const ledgerLines = new Ledger(ctx.home.predictionsDir, predictionSchema).read().entries;
    assert.equal(ledgerLines.length, 25, 'the ledger has the duplicated line');
    const [row] = await query(
      `SELECT id, as_of::VARCHAR AS as_of, interval_low, component_xgb, signal_golden_cross, in_sample
       FROM '${file}' WHERE symbol = 'SYN002' AND as_of = DATE '2021-11-03'`,
    );
    const record = ledgerLines.find(
      (e) => e.record.symbol === 'SYN002' && e.record.as_of === '2021-11-03',
    )?.record;
    assert.ok(record);
    assert.deepEqual(row, {
      id: record.id,
      as_of: '2021-11-03',
      interval_low: record.interval.low,
      component_xgb: 0.01,
      signal_golden_cross: 0.4,
      in_sample: true,
    });
    const verifications = path.join(out, 'verifications.parquet');
    const verified = await query(
      `SELECT count(*) AS n, count(DISTINCT prediction_id) AS ids, bool_and(latest) AS latest FROM '${verifications}'`,
    );
    assert.deepEqual(verified, [{ n: '24', ids: '24', latest: true }]);
    const meta = await query(
      `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata('${file}')`,
    );
    assert.ok(meta.some((m) => m.key === 'mlx_schema' && m.value === 'mlx.export.predictions/1'));
  });

  it('--since and --symbol filter the ledgers; CSV has a header and the same rows', async () => {
    const csvOut = path.join(out, 'csv');
    await exportData(ctx, {
      what: ['predictions'],
      format: 'csv',
      out: csvOut,
      since: '2021-11-02',
      symbols: ['SYN001', 'SYN004'],
    });
    const lines = fs.readFileSync(path.join(csvOut, 'predictions.csv'), 'utf8').trim().split('\n');
    assert.match(lines[0], /^id,schema,symbol,as_of,/);
    assert.equal(lines.length - 1, 3 * 2);
    assert.equal(
      await count(path.join(csvOut, 'predictions.csv')),
      6,
      'DuckDB reads the CSV back too',
    );
  });

  it('bars: every stored bar, as traded and adjusted; features: every dataset row', async () => {
    await exportData(ctx, { what: ['bars', 'features'], format: 'parquet', out });
    const store = PriceStore.open(ctx.home.db);
    try {
      assert.equal(await count(path.join(out, 'bars.parquet')), store.barCount());
      const [bar] = await query(
        `SELECT close, adj_close, adj_factor FROM '${path.join(out, 'bars.parquet')}' WHERE symbol = 'SYN003' AND date = DATE '2021-06-01'`,
      );
      const stored = store.bars('SYN003', { from: '2021-06-01', until: '2021-06-01' })[0];
      assert.equal(bar.close, stored.close);
      assert.ok(
        Math.abs((bar.adj_close as number) - stored.close * (bar.adj_factor as number)) < 1e-9,
      );
      const panel = loadPanel(store, store.symbolNames(), undefined, ctx.config);
      const data = buildDataset(panel, ctx.config.horizonDays, ctx.config);
      const features = path.join(out, 'features.parquet');
      assert.equal(await count(features), data.rows);
      const r = Math.floor(data.rows / 2);
      assert.ok(data.rows > 1000);
      const [row] = await query(
        `SELECT rsi_14, rsi_14_cs_rank, forward_log_return, label FROM '${features}'
         WHERE symbol = '${data.symbols[data.symbolIndex[r]]}' AND date = DATE '${data.dates[data.dateIndex[r]]}'`,
      );
      const width = data.featureNames.length;
      // The export keeps the float64 features; the dataset keeps them as float32.
      assert.equal(
        Math.fround(row.rsi_14 as number),
        data.x[r * width + data.featureNames.indexOf('rsi_14')],
      );
      const k = data.rankedNames.indexOf('rsi_14');
      assert.equal(row.rsi_14_cs_rank, data.ranks[r * data.rankedNames.length + k]);
      // The last sessions have no known future: their label is NULL, not a number.
      const unknown = await query(`SELECT count(*) AS n FROM '${features}' WHERE label IS NULL`);
      let missing = 0;
      for (let i = 0; i < data.rows; i++) if (!Number.isFinite(data.label[i])) missing++;
      assert.equal(Number(unknown[0].n), missing);
      assert.ok(missing > 0);
    } finally {
      store.close();
    }
  });

  it('refuses an unknown kind or format, and an unknown symbol', async () => {
    await assert.rejects(
      exportData(ctx, { what: ['trades' as never], format: 'parquet', out }),
      UsageError,
    );
    await assert.rejects(
      exportData(ctx, { what: ['bars'], format: 'xlsx' as never, out }),
      UsageError,
    );
    await assert.rejects(
      exportData(ctx, { what: ['bars'], format: 'parquet', out, symbols: ['NOPE'] }),
      /unknown symbol NOPE/,
    );
  });
});

describe('mlx export of the real S&P 500 bars', { skip: skipWithoutSp500 }, () => {
  it('bars.parquet holds exactly the stored bars of each symbol', async () => {
    const ctx = testContext();
    const files = sp500Files().filter((f) => /\/(AAPL|NVDA|KO)\.csv$/.test(f));
    await importFiles(ctx, { files, onBadRow: 'fail' });
    const out = path.join(ctx.home.root, 'export');
    const result = await exportData(ctx, { what: ['bars'], format: 'parquet', out });
    const store = PriceStore.open(ctx.home.db);
    try {
      const file = path.join(out, 'bars.parquet');
      assert.equal(result.files[0].rows, store.barCount());
      assert.equal(await count(file), store.barCount());
      const perSymbol = await query(
        `SELECT symbol, count(*) AS n FROM '${file}' GROUP BY symbol ORDER BY symbol`,
      );
      assert.deepEqual(
        perSymbol.map((r) => [r.symbol, Number(r.n)]),
        ['AAPL', 'KO', 'NVDA'].map((s) => [s, store.bars(s).length]),
      );
    } finally {
      store.close();
    }
  });
});
