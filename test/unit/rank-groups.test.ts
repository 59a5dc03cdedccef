import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { byDate, groupSizes } from '../../src/training/fit.ts';
import type { Dataset } from '../../src/dataset/panel.ts';

describe('query groups for a ranking objective', () => {
  // Rows of three symbols, stored symbol by symbol as the panel stores them.
  const dateIndex = Int32Array.from([0, 1, 2, 3, 1, 2, 3, 0, 2, 3]);
  const data = { dateIndex } as unknown as Dataset;

  it('orders the rows by date, keeping their order within a date', () => {
    const rows = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual([...byDate(data, rows)], [0, 7, 1, 4, 2, 5, 8, 3, 6, 9]);
    assert.deepEqual([...byDate(data, Int32Array.from([9, 2, 7]))], [7, 2, 9]);
  });

  it('gives each date one group, its size the rows of that date', () => {
    const ordered = byDate(data, Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    assert.deepEqual([...groupSizes(data, ordered)], [2, 2, 3, 3]);
    assert.deepEqual([...groupSizes(data, Int32Array.from([2, 5]))], [2]);
    assert.deepEqual([...groupSizes(data, new Int32Array(0))], []);
  });
});
