import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../../src/config.ts';
import {
  buildMarketContext,
  computeFeatures,
  FEATURE_NAMES,
  featureColumn,
  featureValue,
  rowAsOf,
} from '../../src/features/index.ts';
import type { FeatureMatrix } from '../../src/features/index.ts';
import type { AdjustedSeries } from '../../src/store/types.ts';
import {
  closeTo,
  firstDefined,
  randomWalkSeries,
  seriesFrom,
  weekdays,
} from './features-fixtures.ts';

const options = { regime: defaultConfig().regime };

function truncate(series: AdjustedSeries, rows: number): AdjustedSeries {
  return seriesFrom(series.symbol, series.dates.slice(0, rows), {
    open: series.open.slice(0, rows),
    high: series.high.slice(0, rows),
    low: series.low.slice(0, rows),
    close: series.close.slice(0, rows),
    volume: series.volume.slice(0, rows),
  });
}

function assertRowsEqual(
  actual: FeatureMatrix,
  actualRow: number,
  expected: FeatureMatrix,
  row: number,
) {
  const width = FEATURE_NAMES.length;
  for (let j = 0; j < width; j++) {
    const a = actual.values[actualRow * width + j];
    const b = expected.values[row * width + j];
    assert.ok(closeTo(a, b, 1e-9, 1e-12), `${FEATURE_NAMES[j]} row ${row}: ${a} vs ${b}`);
  }
  assert.equal(actual.valid[actualRow], expected.valid[row], `valid flag of row ${row}`);
}

describe('the feature matrix', () => {
  const series = randomWalkSeries('RW', 600, 11);
  const matrix = computeFeatures(series, null, options);

  test('one row per bar, the stable names, row-major values', () => {
    assert.deepEqual(matrix.names, FEATURE_NAMES);
    assert.equal(matrix.names.length, 58);
    assert.equal(new Set(matrix.names).size, matrix.names.length);
    assert.deepEqual(matrix.dates, series.dates);
    assert.equal(matrix.values.length, 600 * matrix.names.length);
    assert.equal(matrix.valid.length, 600);
    assert.equal(
      featureValue(matrix, 300, 'ret_1'),
      Math.log(series.close[300] / series.close[299]),
    );
    assert.equal(matrix.values[300 * 58 + 1], featureValue(matrix, 300, 'ret_2'));
  });

  test('warm-up: NaN until each feature has its history (never 0-filled); rows valid from 251', () => {
    const firstValues: Record<string, number> = {
      ret_1: 1,
      ret_60: 60,
      rsi_14: 14,
      macd_line: 25,
      macd_signal: 33,
      close_sma_200: 199,
      close_ema_26: 25,
      bb_pctb_20: 19,
      stoch_d_3: 15,
      atr_rel_14: 14,
      adx_14: 27,
      plus_di_14: 14,
      obv_slope_20: 20,
      mfi_14: 14,
      volume_z_20: 19,
      rv_5: 5,
      rv_60: 60,
      skew_20: 20,
      high_52w_dist: 251,
      candle_body: 0,
      dow_sin: 0,
      mkt_ret_20: 20,
      mkt_vol_20: 20,
      beta_60: 60,
      rel_strength_60: 60,
      regime_bullish: 20,
      mkt_regime_volatile: 20,
    };
    for (const [name, first] of Object.entries(firstValues)) {
      const column = featureColumn(matrix, name);
      assert.equal(firstDefined(column), first, `${name} starts at row ${first}`);
      assert.ok(column.subarray(0, first).every(Number.isNaN), `${name} is NaN before ${first}`);
    }
    for (const name of FEATURE_NAMES) {
      assert.ok(firstDefined(featureColumn(matrix, name)) <= 251, `${name} warms up by row 251`);
    }
    assert.deepEqual([...matrix.valid.subarray(0, 251)], new Array(251).fill(0));
    assert.ok(matrix.valid.subarray(251).every((v) => v === 1));
  });

  test('scaling every price by one constant and every volume by another changes nothing', () => {
    const scale = (values: Float64Array, by: number) => values.map((v) => v * by);
    const scaled = seriesFrom('RW', series.dates, {
      open: scale(series.open, 0.0371),
      high: scale(series.high, 0.0371),
      low: scale(series.low, 0.0371),
      close: scale(series.close, 0.0371),
      volume: scale(series.volume, 7.00000700001),
    });
    const other = computeFeatures(scaled, null, options);
    for (let t = 0; t < 600; t++) assertRowsEqual(other, t, matrix, t);
  });
});

describe('zero-volume days and gaps', () => {
  test('no Infinity or NaN once warmed up, with flat zero-volume days, a month without trades and a gap', () => {
    const base = randomWalkSeries('THIN', 800, 5);
    const dates = base.dates.filter((_, t) => t < 500 || t >= 520); // a four-week gap
    const keep = base.dates.map((_, t) => t < 500 || t >= 520);
    const pick = (values: Float64Array) => values.filter((_, t) => keep[t]);
    const bars = {
      open: pick(base.open),
      high: pick(base.high),
      low: pick(base.low),
      close: pick(base.close),
      volume: pick(base.volume),
    };
    const flatDay = (t: number) => {
      const price = bars.close[t - 1];
      bars.open[t] = bars.high[t] = bars.low[t] = bars.close[t] = price;
      bars.volume[t] = 0;
    };
    for (let t = 260; t < 700; t += 37) flatDay(t);
    for (let t = 400; t < 430; t++) flatDay(t); // thirty sessions without a trade
    const matrix = computeFeatures(seriesFrom('THIN', dates, bars), null, options);
    for (let t = 251; t < dates.length; t++) {
      assert.equal(matrix.valid[t], 1, `row ${t} (${dates[t]}) is valid`);
    }
    assert.ok(matrix.values.subarray(251 * 58).every(Number.isFinite));
    assert.equal(featureValue(matrix, 429, 'volume_ratio_20'), 1);
    assert.equal(featureValue(matrix, 429, 'volume_z_20'), 0);
    assert.equal(featureValue(matrix, 429, 'obv_slope_20'), 0);
    assert.equal(featureValue(matrix, 429, 'mfi_14'), 50);
    assert.equal(featureValue(matrix, 429, 'candle_body'), 0);
    // Wilder's averages decay together over flat sessions, so RSI keeps its last level.
    assert.ok(Number.isFinite(featureValue(matrix, 429, 'rsi_14')));
    assert.equal(featureValue(matrix, 429, 'stoch_k_14'), 50);
    assert.equal(featureValue(matrix, 429, 'skew_20'), 0);
  });

  test('a zero-volume day inside an active window gives a finite, very negative volume z-score', () => {
    const series = randomWalkSeries('Z', 300, 9);
    series.volume[299] = 0;
    const matrix = computeFeatures(series, null, options);
    const z = featureValue(matrix, 299, 'volume_z_20');
    assert.ok(Number.isFinite(z) && z < -3, `z = ${z}`);
  });
});

describe('market context', () => {
  test('equal-weight mean of the members’ one-session log returns, on the union of dates', () => {
    const a = seriesFrom('A', ['2021-01-04', '2021-01-05', '2021-01-06'], {
      open: Float64Array.from([10, 11, 12.1]),
      high: Float64Array.from([10, 11, 12.1]),
      low: Float64Array.from([10, 11, 12.1]),
      close: Float64Array.from([10, 11, 12.1]),
      volume: Float64Array.from([1, 1, 1]),
    });
    const b = seriesFrom('B', ['2021-01-05', '2021-01-06', '2021-01-07'], {
      open: Float64Array.from([20, 18, 18]),
      high: Float64Array.from([20, 18, 18]),
      low: Float64Array.from([20, 18, 18]),
      close: Float64Array.from([20, 18, 18]),
      volume: Float64Array.from([1, 1, 1]),
    });
    const context = buildMarketContext([a, b]);
    assert.deepEqual(context.dates, ['2021-01-04', '2021-01-05', '2021-01-06', '2021-01-07']);
    assert.deepEqual([...context.members], [0, 1, 2, 1]);
    assert.ok(Number.isNaN(context.logReturn[0]));
    assert.ok(closeTo(context.logReturn[1], Math.log(1.1), 1e-12)); // only A has a previous bar
    assert.ok(closeTo(context.logReturn[2], (Math.log(1.1) + Math.log(0.9)) / 2, 1e-12));
    assert.equal(context.logReturn[3], 0);
    assert.ok(
      closeTo(
        context.level[2],
        Math.exp(Math.log(1.1) + (Math.log(1.1) + Math.log(0.9)) / 2),
        1e-12,
      ),
    );
  });

  test('a symbol session matches the last market date on or before it, never a later one', () => {
    const universe = [randomWalkSeries('A', 400, 1), randomWalkSeries('B', 400, 2)];
    const context = buildMarketContext(universe);
    // A symbol trading on some days only: its one-session market move spans the days between.
    const sparseDates = universe[0].dates.filter((_, t) => t % 3 === 0);
    const sparse = randomWalkSeries('S', sparseDates.length, 3);
    sparse.dates = sparseDates;
    const matrix = computeFeatures(sparse, context, options);
    const t = 100;
    const from = context.dates.indexOf(sparseDates[t - 1]);
    const to = context.dates.indexOf(sparseDates[t]);
    const expected = context.logReturn.subarray(from + 1, to + 1).reduce((x, y) => x + y, 0);
    assert.ok(closeTo(featureValue(matrix, t, 'mkt_ret_1'), expected, 1e-12));
    assert.equal(featureValue(matrix, t, 'mkt_vol_20'), context.volatility[to]);

    // A session before the market's first date has no market: NaN, invalid row.
    const early = randomWalkSeries('E', 300, 4, { start: '1999-06-01' });
    const earlyMatrix = computeFeatures(early, context, options);
    const beforeMarket = rowAsOf(earlyMatrix, '1999-12-31');
    assert.ok(Number.isNaN(featureValue(earlyMatrix, beforeMarket, 'mkt_vol_20')));
    assert.equal(earlyMatrix.valid[beforeMarket], 0);
  });

  test('without a context the symbol is its own market', () => {
    const series = randomWalkSeries('SOLO', 400, 12);
    const matrix = computeFeatures(series, null, options);
    for (const t of [100, 250, 399]) {
      assert.ok(
        closeTo(featureValue(matrix, t, 'mkt_ret_1'), featureValue(matrix, t, 'ret_1'), 1e-12),
      );
      assert.ok(closeTo(featureValue(matrix, t, 'beta_60'), 1, 1e-9));
      assert.ok(closeTo(featureValue(matrix, t, 'corr_60'), 1, 1e-9));
      assert.ok(Math.abs(featureValue(matrix, t, 'rel_strength_20')) < 1e-12);
      assert.equal(
        featureValue(matrix, t, 'mkt_regime_bullish'),
        featureValue(matrix, t, 'regime_bullish'),
      );
    }
  });

  test('no look-ahead on a synthetic universe: every row equals its value computed on history cut there', () => {
    const universe = [
      randomWalkSeries('A', 320, 21),
      randomWalkSeries('B', 320, 22),
      randomWalkSeries('C', 300, 23, { start: '2000-01-31' }),
    ];
    const full = buildMarketContext(universe);
    const fullMatrix = computeFeatures(universe[2], full, options);
    for (let t = 240; t < 300; t += 7) {
      const date = universe[2].dates[t];
      const cut = universe.map((s) => truncate(s, s.dates.filter((d) => d <= date).length));
      const matrix = computeFeatures(cut[2], buildMarketContext(cut), options);
      assert.equal(matrix.dates.length, t + 1);
      assertRowsEqual(matrix, t, fullMatrix, t);
    }
  });
});

test('day of week and month come from the date string: 2020-08-31 was a Monday in August', () => {
  const dates = weekdays('2020-08-31', 300);
  const matrix = computeFeatures(
    randomWalkSeries('C', 300, 3, { start: '2020-08-31' }),
    null,
    options,
  );
  assert.equal(dates[0], '2020-08-31');
  assert.ok(closeTo(featureValue(matrix, 0, 'dow_sin'), Math.sin((2 * Math.PI) / 7), 1e-15));
  assert.ok(closeTo(featureValue(matrix, 0, 'dow_cos'), Math.cos((2 * Math.PI) / 7), 1e-15));
  assert.ok(closeTo(featureValue(matrix, 0, 'month_sin'), Math.sin((2 * Math.PI * 7) / 12), 1e-15));
  assert.ok(closeTo(featureValue(matrix, 4, 'dow_sin'), Math.sin((2 * Math.PI * 5) / 7), 1e-15)); // Friday
});

test('no feature module imports the label module (labels look forward)', () => {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/features');
  const files = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'));
  assert.ok(files.length > 5);
  for (const file of files) {
    if (file === 'labels.ts' || file === 'index.ts') continue;
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    assert.doesNotMatch(text, /from '\.{1,2}\/(?:.*\/)?labels\.ts'/, `${file} imports labels.ts`);
  }
});
