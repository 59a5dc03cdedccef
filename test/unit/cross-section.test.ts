import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  centredRanks,
  crossSectionalRanks,
  processLabels,
  rowsByDate,
} from '../../src/dataset/cross-section.ts';

const close = (actual: ArrayLike<number>, expected: number[], tolerance = 1e-12) => {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) =>
    Number.isNaN(e)
      ? assert.ok(Number.isNaN(actual[i]), `[${i}] ${actual[i]} vs NaN`)
      : assert.ok(Math.abs(actual[i] - e) < tolerance, `[${i}] ${actual[i]} vs ${e}`),
  );
};

test('centred ranks run from −0.5 to +0.5, ties share their mean rank, one value is 0', () => {
  close(centredRanks([0.03, -0.01, 0.01]), [0.5, -0.5, 0]);
  close(centredRanks([1, 1, 2]), [-0.25, -0.25, 0.5]);
  close(centredRanks([7]), [0]);
  // The same figure from differently anchored prices differs in its last bits: still a tie.
  close(centredRanks([0.1, 0.1 + 1e-12, 0.3]), [-0.25, -0.25, 0.5]);
});

// Two dates: three rows on date 0, two labelled rows and one without a future on date 1.
const forward = Float64Array.from([0.03, -0.01, 0.02, 0.04, NaN, 0.0]);
const dateIndex = Int32Array.from([0, 0, 0, 1, 1, 1]);

test('cs_rank: the rank of each forward return among its own date only', () => {
  const { label, excess, dateMean } = processLabels('cs_rank', forward, dateIndex, 2);
  close(label, [0.5, -0.5, 0, 0.5, NaN, -0.5]);
  close(dateMean, [0.04 / 3, 0.02]);
  close(excess, [0.03 - 0.04 / 3, -0.01 - 0.04 / 3, 0.02 - 0.04 / 3, 0.02, NaN, -0.02]);
});

test('cs_zscore, excess and raw by hand', () => {
  const m = 0.04 / 3;
  const sd = Math.sqrt(((0.03 - m) ** 2 + (-0.01 - m) ** 2 + (0.02 - m) ** 2) / 3);
  close(processLabels('cs_zscore', forward, dateIndex, 2).label, [
    (0.03 - m) / sd,
    (-0.01 - m) / sd,
    (0.02 - m) / sd,
    1,
    NaN,
    -1,
  ]);
  close(processLabels('excess', forward, dateIndex, 2).label, [
    0.03 - m,
    -0.01 - m,
    0.02 - m,
    0.02,
    NaN,
    -0.02,
  ]);
  close(processLabels('raw', forward, dateIndex, 2).label, [...forward]);
});

test('a label depends on its own date only: changing another date leaves it alone', () => {
  const changed = Float64Array.from(forward);
  changed[3] = -0.5;
  changed[5] = 0.7;
  for (const kind of ['cs_rank', 'cs_zscore', 'excess'] as const) {
    const before = processLabels(kind, forward, dateIndex, 2).label;
    const after = processLabels(kind, changed, dateIndex, 2).label;
    close(after.slice(0, 3), [...before.slice(0, 3)]);
  }
});

test('rowsByDate groups row numbers by date, keeping only accepted rows', () => {
  const groups = rowsByDate(dateIndex, (r) => Number.isFinite(forward[r]));
  assert.deepEqual(
    [...groups],
    [
      [0, [0, 1, 2]],
      [1, [3, 5]],
    ],
  );
});

test('crossSectionalRanks: each date and column ranked as centredRanks ranks it', () => {
  const width = 3;
  const rows = 40;
  const values = Float64Array.from({ length: rows * width }, (_, i) =>
    // Exact ties, near ties (last bits) and ordinary values.
    i % 7 === 0
      ? 1
      : i % 11 === 0
        ? 1 + 1e-13
        : Math.round(Math.sin(i * 12.9898) * 43758.5453 * 4) / 4,
  );
  // Dates of equal sizes (each sort starts from the previous date's order), then unequal ones.
  for (const dateOf of [(r: number) => (r * 7) % 5, (r: number) => (r < 10 ? 0 : r < 25 ? 1 : 2)]) {
    const dateIndex = Int32Array.from({ length: rows }, (_, r) => dateOf(r));
    const groups = rowsByDate(dateIndex);
    const ranked = crossSectionalRanks(values, width, [2, 0], groups.values(), rows);
    for (const members of groups.values()) {
      [2, 0].forEach((j, c) => {
        const expected = centredRanks(members.map((r) => values[r * width + j]));
        members.forEach((r, i) => assert.equal(ranked[r * 2 + c], Math.fround(expected[i])));
      });
    }
  }
  assert.deepEqual([...crossSectionalRanks([5, 6], 2, [1], [[0]], 1)], [0]);
});
