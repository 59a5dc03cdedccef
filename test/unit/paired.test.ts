import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareArms, type PairedOutcome } from '../../src/evaluation/paired.ts';

/**
 * Two arms over two quarters of ten sessions, ten stocks a session: the
 * adaptive arm covers 80% in both quarters; the static arm 70% in the first
 * and 90% in the second, so over all of it both cover 80%.
 */
function arms(): { adaptive: Map<string, PairedOutcome>; fixed: Map<string, PairedOutcome> } {
  const adaptive = new Map<string, PairedOutcome>();
  const fixed = new Map<string, PairedOutcome>();
  const sessions = [
    ...Array.from({ length: 10 }, (_, d) => `2020-02-${String(d + 1).padStart(2, '0')}`),
    ...Array.from({ length: 10 }, (_, d) => `2020-05-${String(d + 1).padStart(2, '0')}`),
  ];
  for (const session of sessions)
    for (let s = 0; s < 10; s++) {
      const id = `${session}-${s}`;
      const row = (withinInterval: boolean): PairedOutcome => ({
        session,
        score: s,
        realised: (s - 4.5) / 100,
        directionHit: s >= 5,
        excessHit: s >= 5,
        probabilityUp: 0.5,
        withinInterval,
      });
      adaptive.set(id, row(s < 8));
      fixed.set(id, row(session.startsWith('2020-02') ? s < 7 : s < 9));
    }
  return { adaptive, fixed };
}

test('coverage by quarter: the mean miss of each quarter, and the quarters the adaptive arm is nearer', () => {
  const { adaptive, fixed } = arms();
  const c = compareArms(adaptive, fixed, { horizonDays: 5, coverageTarget: 0.8 });

  assert.deepEqual(
    c.coverage_by_quarter.map((q) => q.window),
    ['2020Q1', '2020Q2'],
  );
  // Over all sessions both arms cover 80%: the overall figure cannot tell them apart...
  assert.ok(Math.abs((c.coverage_error.adaptive ?? 1) - 0) < 1e-12);
  assert.ok(Math.abs((c.coverage_error.static ?? 1) - 0) < 1e-12);
  // ...the quarters can: static misses 80% by 0.1 in each.
  assert.ok(Math.abs((c.coverage_quarterly.adaptive ?? 1) - 0) < 1e-12);
  assert.ok(Math.abs((c.coverage_quarterly.static ?? 0) - 0.1) < 1e-12);
  assert.equal(c.coverage_quarterly.quarters, 2);
  assert.equal(c.coverage_quarterly.adaptive_nearer, 2);
  assert.ok(
    c.verdict.some((line) =>
      /^\|coverage − 0\.8\| by quarter: adaptive 0\.0000 vs static 0\.1000 \(mean over 2 quarters; adaptive nearer in 2 of them\)/.test(
        line,
      ),
    ),
    c.verdict.join('\n'),
  );
});

test('coverage by quarter leaves out quarters where an arm has no interval outcome', () => {
  const { adaptive, fixed } = arms();
  for (const [id, row] of fixed)
    if (row.session.startsWith('2020-05')) fixed.set(id, { ...row, withinInterval: undefined });
  const c = compareArms(adaptive, fixed, { horizonDays: 5, coverageTarget: 0.8 });
  assert.equal(c.coverage_by_quarter[1].static, null);
  assert.equal(c.coverage_quarterly.quarters, 1);
  assert.equal(c.coverage_quarterly.adaptive_nearer, 1);
});
