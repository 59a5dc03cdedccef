import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { defaultConfig } from '../../src/config.ts';
import { DataError } from '../../src/errors.ts';
import {
  assertFeatureSetMatches,
  computeFeatures,
  FEATURE_NAMES,
  featureRowsToCsv,
  featureSetIdentity,
  marketRegimeAt,
  REFERENCE_LIBRARY,
  ruleSignalsAt,
  selectFeatureRows,
  symbolRegimeAt,
} from '../../src/features/index.ts';
import type { FeatureName } from '../../src/features/index.ts';
import { packColumns } from '../../src/features/matrix.ts';
import { randomWalkSeries } from './features-fixtures.ts';

const defaults = defaultConfig().signalWeights;

/** A one-row matrix with the given values and NaN elsewhere. */
function row(values: Partial<Record<FeatureName, number>>) {
  const columns = Object.fromEntries(
    FEATURE_NAMES.map((name) => [name, Float64Array.of(values[name] ?? NaN)]),
  );
  return packColumns('X', ['2021-01-04'], FEATURE_NAMES, columns);
}

const names = (
  matrix: ReturnType<typeof row>,
  regime: Parameters<typeof ruleSignalsAt>[2] = null,
) => ruleSignalsAt(matrix, 0, regime, defaults).map((s) => s.name);

describe('rule signals', () => {
  test('RSI above 70 is overbought, below 30 oversold, with the default scores', () => {
    assert.deepEqual(ruleSignalsAt(row({ rsi_14: 71 }), 0, null, defaults), [
      { name: 'overbought', value: -0.3 },
    ]);
    assert.deepEqual(ruleSignalsAt(row({ rsi_14: 29 }), 0, null, defaults), [
      { name: 'oversold', value: 0.3 },
    ]);
    assert.deepEqual(names(row({ rsi_14: 70 })), []);
    assert.deepEqual(names(row({ rsi_14: 30 })), []);
  });

  test('macd_positive reads the MACD line, not the histogram', () => {
    assert.deepEqual(names(row({ macd_line: 0.01, macd_hist: -0.02 })), ['macd_positive']);
    assert.deepEqual(names(row({ macd_line: -0.01, macd_hist: 0.02 })), []);
  });

  test('golden cross: close > SMA50 > SMA200; death cross: close < SMA50 < SMA200', () => {
    // close 110, SMA50 100, SMA200 90 → close/SMA50 − 1 = 0.1, close/SMA200 − 1 = 0.2222
    assert.deepEqual(names(row({ close_sma_50: 0.1, close_sma_200: 110 / 90 - 1 })), [
      'golden_cross',
    ]);
    // close 110, SMA50 100, SMA200 105: above SMA50 but SMA50 below SMA200
    assert.deepEqual(names(row({ close_sma_50: 0.1, close_sma_200: 110 / 105 - 1 })), []);
    // close 80, SMA50 90, SMA200 100
    assert.deepEqual(names(row({ close_sma_50: 80 / 90 - 1, close_sma_200: -0.2 })), [
      'death_cross',
    ]);
    // close 95, SMA50 90, SMA200 100: neither
    assert.deepEqual(names(row({ close_sma_50: 95 / 90 - 1, close_sma_200: -0.05 })), []);
  });

  test('regime_bullish fires on the regime passed in; weights come from the config given', () => {
    assert.deepEqual(names(row({}), 'bullish'), ['regime_bullish']);
    assert.deepEqual(names(row({}), 'volatile'), []);
    const custom = { ...defaults, regime_bullish: 0.7 };
    assert.deepEqual(ruleSignalsAt(row({}), 0, 'bullish', custom), [
      { name: 'regime_bullish', value: 0.7 },
    ]);
  });

  test('values still in warm-up (NaN) fire nothing; several rules fire in a fixed order', () => {
    assert.deepEqual(names(row({})), []);
    assert.deepEqual(
      names(
        row({ rsi_14: 75, macd_line: 0.02, close_sma_50: 0.05, close_sma_200: 0.1 }),
        'bullish',
      ),
      ['overbought', 'macd_positive', 'golden_cross', 'regime_bullish'],
    );
  });

  test('the regime on a row comes back from its one-hot columns', () => {
    const zeros = { regime_bullish: 0, regime_bearish: 0, regime_volatile: 0 };
    assert.equal(
      marketRegimeAt(
        row({ mkt_regime_bullish: 0, mkt_regime_bearish: 1, mkt_regime_volatile: 0 }),
        0,
      ),
      'bearish',
    );
    assert.equal(
      marketRegimeAt(
        row({ mkt_regime_bullish: 0, mkt_regime_bearish: 0, mkt_regime_volatile: 0 }),
        0,
      ),
      'sideways',
    );
    assert.equal(marketRegimeAt(row({}), 0), null);
    assert.equal(symbolRegimeAt(row({ ...zeros, regime_volatile: 1 }), 0), 'volatile');
  });
});

describe('feature-set identity', () => {
  test('an id like fs1-xxxxxxxx over a sha256, stable, naming the columns', () => {
    const identity = featureSetIdentity();
    assert.match(identity.id, /^fs1-[0-9a-f]{8}$/);
    assert.match(identity.hash, /^[0-9a-f]{64}$/);
    assert.equal(identity.id, `fs1-${identity.hash.slice(0, 8)}`);
    assert.deepEqual(featureSetIdentity(), identity);
    assert.deepEqual(identity.names, FEATURE_NAMES);
  });

  test('regime thresholds change the regime columns, so they change the identity', () => {
    const regime = defaultConfig().regime;
    assert.notEqual(
      featureSetIdentity({ ...regime, volatileAnnualised: 0.4 }).id,
      featureSetIdentity().id,
    );
    assert.equal(featureSetIdentity({ ...regime }).id, featureSetIdentity().id);
  });

  test('a model on the same feature set passes by id or hash; another is refused with a hint', () => {
    const { id, hash } = featureSetIdentity();
    assert.doesNotThrow(() => assertFeatureSetMatches(id));
    assert.doesNotThrow(() => assertFeatureSetMatches(hash));
    assert.throws(
      () => assertFeatureSetMatches('fs0-00000000'),
      (err: unknown) =>
        err instanceof DataError &&
        err.message.includes('fs0-00000000') &&
        err.message.includes(id) &&
        (err.hint ?? '').includes('retrain with mlx train'),
    );
  });

  test('the reference library named in the hash is the one installed', () => {
    const require = createRequire(import.meta.url);
    const installed = (require('technicalindicators/package.json') as { version: string }).version;
    assert.equal(REFERENCE_LIBRARY, `technicalindicators@${installed}`);
  });
});

describe('rows for mlx features', () => {
  const matrix = computeFeatures(randomWalkSeries('RW', 300, 4), null, {
    regime: defaultConfig().regime,
  });
  const identity = featureSetIdentity();

  test('the as-of row and the rows before it, NaN as null', () => {
    const asOf = matrix.dates[260];
    const report = selectFeatureRows(matrix, { asOf, last: 3 }, identity);
    assert.equal(report.schema, 'mlx.features/1');
    assert.equal(report.asOf, asOf);
    assert.deepEqual(
      report.rows.map((r) => r.date),
      matrix.dates.slice(258, 261),
    );
    assert.equal(
      report.rows[2].features.ret_1,
      matrix.values[260 * FEATURE_NAMES.length], // ret_1 is column 0
    );
    assert.equal(report.rows[2].valid, true);
    assert.equal(report.featureSet.id, identity.id);
    const early = selectFeatureRows(matrix, { asOf: matrix.dates[0] }, identity);
    assert.equal(early.rows.length, 1);
    assert.equal(early.rows[0].valid, false);
    assert.equal(early.rows[0].features.ret_1, null);
    assert.equal(
      early.rows[0].features.candle_body,
      matrix.values[FEATURE_NAMES.indexOf('candle_body')],
    );
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(early)));
  });

  test('an as-of date between sessions takes the session before; before the data is an error', () => {
    const report = selectFeatureRows(matrix, { asOf: '2000-01-08' }, identity); // a Saturday
    assert.equal(report.asOf, '2000-01-07');
    assert.equal(selectFeatureRows(matrix, {}, identity).asOf, matrix.dates[299]);
    assert.throws(() => selectFeatureRows(matrix, { asOf: '1999-01-01' }, identity), DataError);
  });

  test('CSV: date, valid, one column per feature, empty cells for NaN', () => {
    const csv = featureRowsToCsv(
      selectFeatureRows(matrix, { asOf: matrix.dates[10], last: 2 }, identity),
    );
    const lines = csv.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[0], ['date', 'valid', ...FEATURE_NAMES].join(','));
    const cells = lines[2].split(',');
    assert.equal(cells.length, 2 + FEATURE_NAMES.length);
    assert.equal(cells[0], matrix.dates[10]);
    assert.equal(cells[1], '0');
    assert.equal(cells[2 + FEATURE_NAMES.indexOf('ret_60')], '');
    assert.equal(Number(cells[2 + FEATURE_NAMES.indexOf('ret_1')]), matrix.values[10 * 58]);
  });
});
