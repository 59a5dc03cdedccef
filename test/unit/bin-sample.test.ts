import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binSampleRows } from '../../src/training/fit.ts';

describe("XGBoost's bin sample", () => {
  const rows = Int32Array.from({ length: 1000 }, (_, i) => 3 * i + 1);

  it('is every row (null) when the rows fit in binRows, or binRows is 0, whatever the seed', () => {
    for (const seed of [0, 1, 42]) {
      assert.equal(binSampleRows(rows, 1000, seed), null);
      assert.equal(binSampleRows(rows, 0, seed), null);
    }
  });

  it('keeps at most binRows, evenly spaced, from an offset the seed draws', () => {
    const samples = [0, 1, 2, 3, 4].map((seed) => binSampleRows(rows, 250, seed) as Int32Array);
    for (const [seed, sample] of samples.entries()) {
      assert.equal(sample.length, 250);
      assert.equal(sample[0], rows[seed % 4]);
      for (let i = 1; i < sample.length; i++) assert.equal(sample[i] - sample[i - 1], 12);
    }
    assert.deepEqual(samples[4], samples[0], 'seeds equal modulo the step draw the same rows');
    const drawn = new Set(samples.slice(0, 4).flatMap((s) => [...s]));
    assert.equal(drawn.size, 1000, 'the four offsets of step 4 cover every row once');
    assert.equal((binSampleRows(rows, 300, -1) as Int32Array)[0], rows[3], 'a negative seed too');
  });
});
