import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeMetrics, portfolioFigures } from '../../src/evaluation/metrics.ts';
import { auc, neweyWestT, quantile, ranks, spearman, wilson } from '../../src/evaluation/stats.ts';

const close = (actual: number | null, expected: number, tolerance = 1e-9) =>
  assert.ok(actual !== null && Math.abs(actual - expected) < tolerance, `${actual} vs ${expected}`);

test('ranks average ties; Spearman of a monotone map is 1', () => {
  assert.deepEqual([...ranks([10, 20, 20, 5])], [2, 3.5, 3.5, 1]);
  close(spearman([1, 2, 3, 4], [1, 8, 27, 64]), 1);
});

test('ranks agree with counting on many draws with ties, negative zero and one value', () => {
  const byCounting = (values: number[]) =>
    values.map((v) => {
      const below = values.filter((w) => w < v).length;
      const equal = values.filter((w) => w === v).length;
      return below + (equal + 1) / 2;
    });
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let draw = 0; draw < 200; draw++) {
    const values = Array.from({ length: 1 + (draw % 60) }, () => Math.round(next() * 20) / 4 - 2);
    assert.deepEqual([...ranks(values)], byCounting(values));
  }
  assert.deepEqual([...ranks([0, -0, 1])], [1.5, 1.5, 3]);
});

test('AUC by hand: scores 0.1 0.4 0.35 0.8 with labels 0 0 1 1 → 0.75', () => {
  close(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
});

test('quantile (type 7) and Wilson interval by hand', () => {
  close(quantile([1, 2, 3, 4], 0.25), 1.75);
  const interval = wilson(8, 10);
  close(interval.low, 0.4901568, 1e-6);
  close(interval.high, 0.9433191, 1e-6);
});

test('Newey–West with no lags is the plain t-statistic (with n in the variance)', () => {
  const series = [0.1, -0.05, 0.2, 0.05];
  const m = 0.075;
  const variance = series.reduce((s, x) => s + (x - m) ** 2, 0) / series.length;
  close(neweyWestT(series, 0), m / Math.sqrt(variance / series.length));
});

test('metrics on hand-worked rows', () => {
  // Two dates, five symbols each; predictions perfectly ordered on date 0, reversed on date 1.
  const dateIndex = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  const actual = Float64Array.from([
    -0.02, -0.01, 0.01, 0.02, 0.03, -0.02, -0.01, 0.01, 0.02, 0.03,
  ]);
  const predicted = Float64Array.from([
    -0.01, -0.005, 0.005, 0.01, 0.015, 0.015, 0.01, 0.005, -0.005, -0.01,
  ]);
  const probabilityUp = Float64Array.from(predicted, (p) => (p > 0 ? 0.6 : 0.4));
  const metrics = computeMetrics(
    {
      dateIndex,
      predicted,
      probabilityUp,
      actual,
      low: Float64Array.from(predicted, (p) => p - 0.016),
      high: Float64Array.from(predicted, (p) => p + 0.016),
    },
    { horizonDays: 1, portfolioFraction: 0.2 },
  );
  assert.equal(metrics.rows, 10);
  close(metrics.directional_accuracy, 0.6); // all 5 on date 0, 1 of 5 (0.005 vs 0.01) on date 1
  close(
    metrics.mae,
    (0.01 + 0.005 + 0.005 + 0.01 + 0.015 + 0.035 + 0.02 + 0.005 + 0.025 + 0.04) / 10,
  );
  // Brier: hits score 0.16, misses 0.36: 6 hits, 4 misses.
  close(metrics.brier, (6 * 0.16 + 4 * 0.36) / 10);
  close(metrics.rank_ic.mean, 0); // +1 then −1
  assert.equal(metrics.rank_ic.days, 2);
  // Portfolio: date 0 long 0.03 short −0.02; date 1 long −0.02 (highest prediction) short 0.03.
  assert.equal(metrics.long_short.periods, 2);
  const leg = Math.expm1(0.03) - Math.expm1(-0.02);
  close(metrics.long_short.max_drawdown, 1 - ((1 + leg) * (1 - leg)) / (1 + leg));
  close(metrics.interval_coverage, 0.6); // all 5 on date 0, only the 0.005 miss on date 1
});

test('a constant prediction has no direction and no cross-sectional IC', () => {
  const rows = {
    dateIndex: Int32Array.from([0, 0, 0, 0, 0]),
    predicted: new Float64Array(5),
    probabilityUp: Float64Array.from([NaN, NaN, NaN, NaN, NaN]),
    actual: Float64Array.from([0.01, -0.01, 0.02, 0, 0.03]),
  };
  const metrics = computeMetrics(rows, { horizonDays: 5, directional: false });
  assert.equal(metrics.directional_accuracy, null);
  assert.equal(metrics.brier, null);
  assert.equal(metrics.ic.days, 0);
  assert.equal(metrics.long_short.periods, 0);
});

test('no annualised return or Sharpe from fewer than 26 periods, and the figure says why', () => {
  const short = portfolioFigures([0.01, -0.02, 0.015], 5);
  assert.equal(short.sharpe, null);
  assert.equal(short.annualised_return, null);
  close(short.max_drawdown, 1 - (1.01 * 0.98) / 1.01);
  assert.match(short.note ?? '', /from 3 period\(s\): at least 26/);
  const enough = portfolioFigures(
    Array.from({ length: 26 }, (_, i) => (i % 2 ? 0.01 : -0.005)),
    5,
  );
  assert.ok(enough.sharpe !== null && enough.annualised_return !== null);
  assert.equal(enough.note, undefined);
});
