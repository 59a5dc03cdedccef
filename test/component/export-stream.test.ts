import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from '../helpers/suite.ts';
import { exportData, type ExportOptions } from '../../src/commands/export.ts';
import { train } from '../../src/commands/train.ts';
import type { Context } from '../../src/context.ts';
import { BARS_SCHEMA } from '../../src/export/bars.ts';
import { FEATURES_SCHEMA, scaledColumnName } from '../../src/export/features.ts';
import { wholeTable, type ExportColumn } from '../../src/export/table.ts';
import { TableWriter } from '../../src/export/write.ts';
import { featureSetIdentity } from '../../src/features/index.ts';
import { xgboostStatus } from '../../src/models/xgboost/index.ts';
import { readScaler } from '../../src/registry/scaler-file.ts';
import { adjustBars } from '../../src/store/adjust.ts';
import { PriceStore } from '../../src/store/price-store.ts';
import { rankInputName } from '../../src/dataset/cross-section.ts';
import { buildDataset, loadPanel, type Dataset } from '../../src/dataset/panel.ts';
import { scaleDataset } from '../../src/dataset/scaler.ts';
import { tempHome } from '../helpers/cli.ts';
import { query } from '../helpers/duckdb.ts';
import { syntheticHome } from '../helpers/loop.ts';

/** Write a table whose every column is already whole (what the export wrote before it streamed). */
async function writeWhole(
  file: string,
  schema: string,
  rows: number,
  columns: ExportColumn[],
  metadata: Record<string, string>,
): Promise<void> {
  const writer = await TableWriter.open('parquet');
  try {
    await writer.write(wholeTable(schema, rows, columns, metadata), file);
  } finally {
    writer.close();
  }
}

/** Every bar of the store, all columns whole, straight from the store. */
function wholeBars(store: PriceStore): { rows: number; columns: ExportColumn[] } {
  const rows = store.symbolNames().flatMap((symbol) => {
    const bars = store.bars(symbol);
    const adjusted = adjustBars(symbol, bars);
    return bars.map((bar, t) => ({ symbol, bar, adjusted, t }));
  });
  type Row = (typeof rows)[number];
  const text = (name: string, pick: (r: Row) => string): ExportColumn => ({
    name,
    data: { type: 'VARCHAR', values: rows.map(pick) },
  });
  const double = (name: string, pick: (r: Row) => number | null): ExportColumn => ({
    name,
    data: { type: 'DOUBLE', values: Float64Array.from(rows, (r) => pick(r) ?? NaN) },
  });
  const traded = ['open', 'high', 'low', 'close', 'volume', 'dividend', 'split'] as const;
  const adjusted = ['open', 'high', 'low', 'close', 'volume', 'adjFactor'] as const;
  return {
    rows: rows.length,
    columns: [
      text('symbol', (r) => r.symbol),
      { name: 'date', data: { type: 'DATE', values: rows.map((r) => r.bar.date) } },
      ...traded.map((field) => double(field, (r) => r.bar[field])),
      double('source_adj_close', (r) => r.bar.adjClose),
      text('source', (r) => r.bar.source),
      text('fetched_at', (r) => r.bar.fetchedAt),
      ...adjusted.map((field) =>
        double(
          field === 'adjFactor' ? 'adj_factor' : `adj_${field}`,
          (r) => r.adjusted[field][r.t],
        ),
      ),
    ],
  };
}

/** The dataset `mlx train` builds, every column of the features file whole, in the file's order. */
function wholeFeatures({ data, raw }: Built, scaled?: Float32Array): ExportColumn[] {
  const width = data.featureNames.length;
  const k = data.rankedNames.length;
  const column = (matrix: ArrayLike<number>, stride: number, j: number) =>
    Float64Array.from({ length: data.rows }, (_, r) => matrix[r * stride + j]);
  return [
    {
      name: 'symbol',
      data: { type: 'VARCHAR', values: Array.from(data.symbolIndex, (s) => data.symbols[s]) },
    },
    {
      name: 'date',
      data: { type: 'DATE', values: Array.from(data.dateIndex, (d) => data.dates[d]) },
    },
    ...data.featureNames.map((name, j): ExportColumn => ({
      name,
      data: { type: 'DOUBLE', values: column(raw, width, j) },
    })),
    ...data.rankedNames.map((name, j): ExportColumn => ({
      name: rankInputName(name),
      data: { type: 'FLOAT', values: Float32Array.from(column(data.ranks, k, j)) },
    })),
    ...(scaled
      ? data.featureNames.map((name, j): ExportColumn => ({
          name: scaledColumnName(name),
          data: { type: 'FLOAT', values: Float32Array.from(column(scaled, width, j)) },
        }))
      : []),
    { name: 'forward_log_return', data: { type: 'DOUBLE', values: data.y } },
    { name: 'label', data: { type: 'DOUBLE', values: data.label } },
  ];
}

/** Per column of a file: non-null count, min, max and sum, as DuckDB computes them. */
async function columnAggregates(file: string): Promise<Map<string, number[]>> {
  const columns = await query(`DESCRIBE SELECT * FROM '${file}'`);
  const numeric = columns.filter((c) => c.column_type === 'DOUBLE' || c.column_type === 'FLOAT');
  const select = numeric
    .map((c, i) => {
      const name = `"${c.column_name as string}"::DOUBLE`;
      return `count(${name}) AS c${i}, min(${name}) AS lo${i}, max(${name}) AS hi${i}, sum(${name}) AS s${i}`;
    })
    .join(', ');
  const [row] = await query(`SELECT ${select} FROM '${file}'`);
  return new Map(
    numeric.map((c, i) => [
      c.column_name as string,
      [`c${i}`, `lo${i}`, `hi${i}`, `s${i}`].map((key) => Number(row[key])),
    ]),
  );
}

/** The same aggregates of a column computed here from the dataset (NaN is NULL). */
function aggregatesOf(values: ArrayLike<number>): number[] {
  let count = 0;
  let lo = Infinity;
  let hi = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    count++;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    sum += v;
  }
  return [count, lo, hi, sum];
}

const same = (a: string, b: string) => fs.readFileSync(a).equals(fs.readFileSync(b));

/** The dataset `mlx train` builds of the whole store (the panel, then buildDataset). */
/**
 * The dataset `mlx train` builds, with its rows' features in float64 as the
 * export writes them (the dataset keeps them in float32, what the models read).
 */
interface Built {
  data: Dataset;
  raw: Float64Array;
}

function datasetOf(ctx: Context): Built {
  const store = PriceStore.open(ctx.home.db);
  try {
    const panel = loadPanel(store, store.symbolNames(), undefined, ctx.config);
    const data = buildDataset(panel, ctx.config.horizonDays, ctx.config);
    const width = data.featureNames.length;
    const raw = new Float64Array(data.rows * width);
    for (let r = 0; r < data.rows; r++) {
      const { values } = panel.symbols[data.symbolIndex[r]].features;
      const bar = data.barIndex[r];
      raw.set(values.subarray(bar * width, (bar + 1) * width), r * width);
      for (let j = 0; j < width; j++)
        assert.equal(data.x[r * width + j], Math.fround(raw[r * width + j]));
    }
    return { data, raw };
  } finally {
    store.close();
  }
}

const featuresMetadata = (ctx: Context) => ({
  feature_set: featureSetIdentity(ctx.config.regime).id,
  horizon_days: String(ctx.config.horizonDays),
  label_kind: ctx.config.train.label,
});

describe('mlx export streams bars and features, symbol by symbol', () => {
  let ctx: Context & { lines: string[] };
  let built: Built;
  let data: Dataset;
  let dir: string;
  const run = async (name: string, options: Partial<ExportOptions> = {}) => {
    const out = path.join(dir, name);
    const result = await exportData(ctx, {
      what: ['bars', 'features'],
      format: 'parquet',
      out,
      ...options,
    });
    return {
      result,
      bars: path.join(out, 'bars.parquet'),
      features: path.join(out, 'features.parquet'),
    };
  };

  before(async () => {
    ctx = await syntheticHome(6);
    dir = tempHome('mlx-export-stream-');
    built = datasetOf(ctx);
    data = built.data;
  });

  it('features.parquet: the rows, columns and values of the dataset mlx train builds, as if written whole', async () => {
    const { features, result } = await run('default');
    assert.ok(data.rows > 2 * 2048, `${data.rows} rows span several of DuckDB’s chunks`);
    assert.equal(result.files[1].rows, data.rows);
    const expected = wholeFeatures(built);
    const [{ n }] = await query(`SELECT count(*) AS n FROM '${features}'`);
    assert.equal(Number(n), data.rows);
    const described = await query(`DESCRIBE SELECT * FROM '${features}'`);
    assert.deepEqual(
      described.map((c) => [c.column_name, c.column_type]),
      expected.map((c) => [c.name, c.data.type]),
    );
    // Per column: non-null count, min and max exactly, the sum to rounding.
    const aggregates = await columnAggregates(features);
    for (const column of expected) {
      if (column.data.type !== 'DOUBLE' && column.data.type !== 'FLOAT') continue;
      const [count, lo, hi, sum] = aggregates.get(column.name) ?? [];
      const want = aggregatesOf((column.data as { values: Float64Array | Float32Array }).values);
      assert.deepEqual([count, lo, hi], want.slice(0, 3), column.name);
      assert.ok(Math.abs(sum - want[3]) <= 1e-9 * Math.max(1, Math.abs(want[3])), column.name);
    }
    // And the very bytes a whole-table write of that dataset gives.
    const whole = path.join(dir, 'whole-features.parquet');
    await writeWhole(whole, FEATURES_SCHEMA, data.rows, expected, featuresMetadata(ctx));
    assert.ok(same(features, whole), 'features.parquet differs from the whole-table write');
  });

  it('bars.parquet: the bytes a whole-table write of the store gives', async () => {
    const { bars } = await run('default');
    const store = PriceStore.open(ctx.home.db);
    try {
      const { rows, columns } = wholeBars(store);
      const whole = path.join(dir, 'whole-bars.parquet');
      await writeWhole(whole, BARS_SCHEMA, rows, columns, {
        mlx_note:
          'open…volume as traded; adj_* split- and dividend-adjusted, anchored at each symbol’s last stored bar (adj_close = close × adj_factor)',
      });
      assert.ok(same(bars, whole), 'bars.parquet differs from the whole-table write');
    } finally {
      store.close();
    }
  });

  it('batches cut mid-symbol and mid-date, and ranks a few columns a pass, change no byte', async () => {
    const reference = await run('reference');
    for (const tuning of [
      { batchRows: 7, rankColumnsPerPass: 5 },
      { batchRows: 1, rankColumnsPerPass: 1 },
      { batchRows: 2049, rankColumnsPerPass: 46 },
    ]) {
      const tuned = await run(`tuned-${tuning.batchRows}`, { tuning });
      assert.ok(same(reference.bars, tuned.bars), `bars.parquet with ${JSON.stringify(tuning)}`);
      assert.ok(
        same(reference.features, tuned.features),
        `features.parquet with ${JSON.stringify(tuning)}`,
      );
      assert.deepEqual(
        tuned.result.files,
        reference.result.files.map((f) => ({
          ...f,
          file: f.file.replace('reference', `tuned-${tuning.batchRows}`),
        })),
      );
    }
    // Filters too: rows picked from the same ranks, whatever the batches.
    const filters = { since: '2021-03-01', symbols: ['SYN002', 'SYN005'] };
    const filtered = await run('filtered', filters);
    const tinyFiltered = await run('filtered-tiny', {
      ...filters,
      tuning: { batchRows: 3, rankColumnsPerPass: 2 },
    });
    assert.ok(same(filtered.features, tinyFiltered.features));
    assert.ok(same(filtered.bars, tinyFiltered.bars));
    // …and they are the whole export's rows of those symbols and sessions, ranked across all six.
    const picked = `SELECT * FROM '${reference.features}' WHERE symbol IN ('SYN002', 'SYN005') AND date >= DATE '2021-03-01'`;
    const [row] = await query(
      `SELECT (SELECT count(*) FROM '${filtered.features}') AS n,
              (SELECT count(*) FROM (${picked} EXCEPT ALL SELECT * FROM '${filtered.features}')) AS missing,
              (SELECT count(*) FROM (SELECT * FROM '${filtered.features}' EXCEPT ALL ${picked})) AS extra`,
    );
    const want = [...data.dateIndex.keys()].filter(
      (r) =>
        ['SYN002', 'SYN005'].includes(data.symbols[data.symbolIndex[r]]) &&
        data.dates[data.dateIndex[r]] >= '2021-03-01',
    );
    assert.ok(want.length > 100);
    assert.deepEqual(row, { n: String(want.length), missing: '0', extra: '0' });
  });
});

const xgb = xgboostStatus();
const withoutXgb = xgb.available ? false : `libxgboost is not installed: ${xgb.reason}`;

describe('mlx export of features with a model', { skip: withoutXgb }, () => {
  it('<feature>_scaled: the dataset scaled whole by the version’s scaler, whatever the batches', async () => {
    const ctx = await syntheticHome(5, 7);
    const trained = await train(ctx, {
      promote: 'always',
      until: '2021-06-30',
      walkForward: false,
    });
    const dir = tempHome('mlx-export-model-');
    const exported = async (out: string, tuning = {}) => {
      await exportData(ctx, { what: ['features'], format: 'parquet', out, tuning });
      return path.join(out, 'features.parquet');
    };
    const file = await exported(path.join(dir, 'out'));
    assert.ok(
      same(file, await exported(path.join(dir, 'tiny'), { batchRows: 5, rankColumnsPerPass: 3 })),
    );
    const built = datasetOf(ctx);
    const { data } = built;
    const scaled = scaleDataset(readScaler(trained.dir), data);
    const whole = path.join(dir, 'whole.parquet');
    const inputs = [
      ...data.featureNames.map(scaledColumnName),
      ...data.rankedNames.map(rankInputName),
    ];
    await writeWhole(whole, FEATURES_SCHEMA, data.rows, wholeFeatures(built, scaled), {
      ...featuresMetadata(ctx),
      model: `default/${trained.version}`,
      xgb_inputs: JSON.stringify(inputs),
    });
    assert.ok(same(file, whole), 'features.parquet differs from the whole-table write');
  });
});
