import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adjustBars } from '../../src/store/adjust.ts';
import type { StoredBar } from '../../src/store/types.ts';

const bar = (date: string, close: number, extra: Partial<StoredBar> = {}): StoredBar => ({
  date,
  open: close,
  high: close,
  low: close,
  close,
  volume: 1000,
  dividend: 0,
  split: 1,
  adjClose: null,
  source: 'csv',
  fetchedAt: 'a',
  ...extra,
});

test('events: a 4:1 split divides earlier prices by 4 and multiplies earlier volume by 4', () => {
  const series = adjustBars('X', [bar('2020-08-28', 400), bar('2020-08-31', 104, { split: 4 })]);
  assert.equal(series.close[0], 100);
  assert.equal(series.close[1], 104);
  assert.equal(series.volume[0], 4000);
  assert.equal(series.adjFactor[1], 1);
});

test('events: a dividend d scales earlier prices by 1 - d / previous close', () => {
  const series = adjustBars('X', [bar('d1', 50), bar('d2', 49, { dividend: 1 }), bar('d3', 49.5)]);
  assert.ok(Math.abs(series.close[0] - 50 * (1 - 1 / 50)) < 1e-12);
  assert.equal(series.close[1], 49);
  assert.equal(series.volume[0], 1000);
});

test("the source's adjusted close is reproduced exactly within one download", () => {
  const bars = [
    bar('d1', 100, { adjClose: 24.5 }),
    bar('d2', 101, { adjClose: 24.9 }),
    bar('d3', 26, { adjClose: 26, split: 4 }),
  ];
  const series = adjustBars('X', bars);
  bars.forEach((b, i) => assert.ok(Math.abs(series.close[i] / (b.adjClose as number) - 1) < 1e-15));
  assert.equal(series.volume[0], 4000);
});

test('across downloads, events bridge the boundary', () => {
  const bars = [
    bar('d1', 100, { adjClose: 99, fetchedAt: 'old' }),
    bar('d2', 100, { adjClose: 100, fetchedAt: 'old' }),
    bar('d3', 50, { adjClose: 50, fetchedAt: 'new', split: 2 }),
  ];
  const series = adjustBars('X', bars);
  assert.equal(series.close[1], 50);
  assert.ok(Math.abs(series.close[0] - 49.5) < 1e-12);
});
