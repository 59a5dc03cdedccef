import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { train, type TrainResult } from '../../src/commands/train.ts';
import { MIN_EVIDENCE_DAYS } from '../../src/training/head-weights.ts';
import { syntheticHome } from '../helpers/loop.ts';

/** The out-of-sample days a head's weighting says it was weighed on (0: the validation rows). */
const evidenceDays = (weighting: string) =>
  Number(/(\d+) out-of-sample days/.exec(weighting)?.[1] ?? 0);

describe("train.head 'blend': weights from earlier folds' test rows", () => {
  let result: TrainResult;
  let manifest: { params: { head: { weighting: string; weights: Record<string, number> } } };
  const testSessions = 40;
  let horizon = 0;

  before(async () => {
    const ctx = await syntheticHome(8, 5);
    ctx.config.train = { ...ctx.config.train, head: 'blend', folds: 5, testSessions };
    horizon = ctx.config.horizonDays;
    result = await train(ctx, { promote: 'never', until: '2021-10-29' });
    manifest = JSON.parse(fs.readFileSync(path.join(result.dir, 'manifest.json'), 'utf8'));
  });

  it('weighs a fold on the test rows of the folds before it only, once there are enough', () => {
    const days = result.walk_forward.folds.map((f) => evidenceDays(f.ensemble.weighting));
    assert.equal(days.length, 5);
    days.forEach((d, k) => {
      // Fold k has at most k earlier folds of testSessions days, never its own or a later one,
      // and not their last `horizon` days: those returns end inside fold k's test.
      assert.ok(d <= Math.max(0, k * testSessions - horizon), `fold ${k} weighed on ${d} days`);
      if (k * testSessions < MIN_EVIDENCE_DAYS) assert.equal(d, 0, `fold ${k}`);
    });
    assert.ok(days[4] >= MIN_EVIDENCE_DAYS, `fold 4: ${days[4]}`);
  });

  it("weighs the final model on every fold's test rows", () => {
    const days = evidenceDays(manifest.params.head.weighting);
    assert.ok(days > 4 * testSessions && days <= 5 * testSessions, manifest.params.head.weighting);
    const total = Object.values(manifest.params.head.weights).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 1) < 1e-9);
  });
});
