import assert from 'node:assert/strict';
import { describe, it } from '../helpers/suite.ts';
import { headRows } from '../../src/training/ensemble.ts';
import { takeFold } from '../../src/training/fold-pool.ts';
import type { Dataset } from '../../src/training/panel.ts';

/** `symbols` rows on each of `dates` dates, date-major. */
function panel(dates: number, symbols: number): { data: Dataset; rows: Int32Array } {
  const dateIndex = Int32Array.from({ length: dates * symbols }, (_, r) => Math.floor(r / symbols));
  return {
    data: { dateIndex } as unknown as Dataset,
    rows: Int32Array.from(dateIndex.keys()),
  };
}

describe('the rows the head is fitted on', () => {
  it('are every validation row while they are few enough', () => {
    const { data, rows } = panel(100, 50);
    assert.equal(headRows(data, rows, 5000), rows);
  });

  it('are whole dates spread over the slice, the last one in, when there are too many', () => {
    const { data, rows } = panel(100, 300);
    const kept = headRows(data, rows, 6000);
    assert.ok(kept.length <= 6000, `${kept.length} rows`);
    const dates = [...new Set(Array.from(kept, (r) => data.dateIndex[r]))];
    // 30,000 rows into 6,000: every 5th date, each with all of its 300 rows.
    assert.equal(dates.length, 20);
    assert.equal(kept.length, 20 * 300);
    assert.equal(dates.at(-1), 99);
    assert.deepEqual(
      dates.slice(1).map((d, i) => d - dates[i]),
      new Array(19).fill(5),
    );
  });
});

describe('the order folds are fitted in', () => {
  it('takes the latest fold first, each once, then says none is left', () => {
    const next = new Int32Array(new SharedArrayBuffer(4));
    const taken = Array.from({ length: 6 }, () => takeFold(next, 4));
    assert.deepEqual(taken, [3, 2, 1, 0, -1, -1]);
  });
});
