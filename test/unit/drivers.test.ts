import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featureDrivers } from '../../src/explain/drivers.ts';
import type { Prediction } from '../../src/ledger/records.ts';

const record = (asOf: string, explain?: [string, number][]): Prediction =>
  ({
    schema: 'mlx.prediction/2',
    symbol: 'AAPL',
    as_of: asOf,
    ...(explain
      ? { explain: explain.map(([feature, contribution]) => ({ feature, value: 1, contribution })) }
      : {}),
  }) as unknown as Prediction;

test('featureDrivers: mean |contribution| over the recent explained records, by hand', () => {
  const drivers = featureDrivers(
    [
      record('2021-11-03', [
        ['rsi_14', 0.03],
        ['ret_5', -0.01],
      ]),
      record('2021-11-01', [['rsi_14', -0.01]]),
      record('2021-11-02'),
      record('2021-11-04', [
        ['ret_5', -0.04],
        ['mkt_ret_1', 0.005],
      ]),
      record('2021-10-01', [['obv', 1]]),
    ],
    3,
  );
  // The last 3 explained records: 11-01, 11-03, 11-04 (10-01 is older, 11-02 has none).
  assert.equal(drivers.predictions, 3);
  assert.deepEqual([drivers.from, drivers.to], ['2021-11-01', '2021-11-04']);
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  assert.deepEqual(
    drivers.features.map((d) => [d.feature, d.count]),
    [
      ['ret_5', 2],
      ['rsi_14', 2],
      ['mkt_ret_1', 1],
    ],
  );
  close(drivers.features[0].mean_abs_contribution, 0.05 / 3);
  close(drivers.features[0].mean_contribution, -0.025);
  close(drivers.features[1].mean_abs_contribution, 0.04 / 3);
  close(drivers.features[1].mean_contribution, 0.01);
  assert.deepEqual(featureDrivers([record('2021-11-02')]), {
    predictions: 0,
    from: null,
    to: null,
    features: [],
  });
});
