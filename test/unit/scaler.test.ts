import assert from 'node:assert/strict';
import type { Dataset } from '../../src/dataset/panel.ts';
import { fitScaler, scaleDataset, scaleInto } from '../../src/dataset/scaler.ts';
import { describe, it } from '../helpers/suite.ts';

/**
 * Two features (f0, f1) over three symbols, row-major: A has 60 training rows
 * alternating 1 and 3 in f0 (mean 2, population sd 1) and a last row of 1000
 * that is not a training row; B has two training rows of 2; C has one row,
 * not a training row. f1 is 5 everywhere (no spread).
 */
function dataset(): { data: Dataset; training: (row: number) => boolean } {
  const rows: { symbol: number; f0: number }[] = [];
  for (let i = 0; i < 60; i++) rows.push({ symbol: 0, f0: i % 2 === 0 ? 1 : 3 });
  rows.push({ symbol: 0, f0: 1000 });
  rows.push({ symbol: 1, f0: 2 }, { symbol: 1, f0: 2 });
  rows.push({ symbol: 2, f0: 7 });
  const data = {
    featureNames: ['f0', 'f1'],
    symbols: ['A', 'B', 'C'],
    rows: rows.length,
    x: Float64Array.from(rows.flatMap((r) => [r.f0, 5])),
    symbolIndex: Int32Array.from(rows, (r) => r.symbol),
    dateIndex: Int32Array.from(rows, (_, i) => i),
  } as unknown as Dataset;
  const excluded = new Set([60, 63]);
  return { data, training: (row) => !excluded.has(row) };
}

const near = (actual: ArrayLike<number>, expected: number[], tolerance = 1e-12) =>
  expected.forEach((e, i) =>
    assert.ok(Math.abs(actual[i] - e) <= tolerance, `[${i}] ${actual[i]} ≠ ${e}`),
  );

describe('the feature scaler', () => {
  it('fits per-symbol moments on training rows only (hand-worked)', () => {
    const { data, training } = dataset();
    const scaler = fitScaler(data, training);
    // A: 60 rows of 1 and 3 (the 1000 is not a training row): mean 2, sd 1. f1 has no
    // spread: its sd is taken as 1, so it scales to its distance from the mean.
    near(scaler.bySymbol.get('A')?.mean ?? [], [2, 5]);
    near(scaler.bySymbol.get('A')?.std ?? [], [1, 1]);
    // Pooled: A's 60 rows and B's two 2s: mean (120 + 4) / 62 = 2, variance 60 / 62.
    near(scaler.pooled.mean, [2, 5]);
    near(scaler.pooled.std, [Math.sqrt(60 / 62), 1]);
  });

  it('a symbol with fewer than 60 training rows, or none, uses the pooled moments', () => {
    const { data, training } = dataset();
    const scaler = fitScaler(data, training);
    assert.equal(scaler.bySymbol.get('B'), scaler.pooled, 'B: two rows');
    assert.equal(scaler.bySymbol.get('C'), scaler.pooled, 'C: no training row');
  });

  it('standardises with the symbol own moments, the pooled ones for null, clipped at ±8', () => {
    const { data, training } = dataset();
    const scaler = fitScaler(data, training);
    const out = new Float32Array(6);
    // A: (3 − 2) / 1 = 1, then (1000 − 2) / 1 = 998 → 8, then (−100 − 2) → −8.
    scaleInto(scaler, 'A', [3, 5, 1000, 5, -100, 6], out);
    near(out, [1, 0, 8, 0, -8, 1], 1e-6);
    // Pooled (null): (3 − 2) / √(60/62) = 1.01653…
    scaleInto(scaler, null, [3, 7], out, 4);
    near(out.subarray(4), [1 / Math.sqrt(60 / 62), 2], 1e-6);
    // A symbol the scaler never saw uses the pooled moments too.
    scaleInto(scaler, 'Z', [3, 7], out, 4);
    near(out.subarray(4), [1 / Math.sqrt(60 / 62), 2], 1e-6);
  });

  it('scales a whole dataset per symbol or pooled', () => {
    const { data, training } = dataset();
    const scaler = fitScaler(data, training);
    const perSymbol = scaleDataset(scaler, data);
    const pooled = scaleDataset(scaler, data, 'pooled');
    // Row 1 is A's 3; row 61 is B's 2 (B scales with the pooled moments either way).
    near(perSymbol.subarray(2, 4), [1, 0], 1e-6);
    near(pooled.subarray(2, 4), [1 / Math.sqrt(60 / 62), 0], 1e-6);
    near(perSymbol.subarray(122, 124), [0, 0], 1e-6);
    assert.equal(perSymbol[120], 8, 'the excluded 1000 is clipped, not fitted');
  });
});
