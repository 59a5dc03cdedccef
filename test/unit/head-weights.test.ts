import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRandom } from '../../src/random.ts';
import {
  blendWeights,
  MIN_EVIDENCE_DAYS,
  SHRINK_TO_EQUAL,
} from '../../src/training/head-weights.ts';

/** A daily Rank IC series: `days` draws around `mean` with sd 0.1 (a 630-day mean has se ≈ 0.004). */
function series(seed: number, mean: number, days: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: days }, () => mean + 0.1 * random.normal());
}

const sum = (w: Record<string, number>) => Object.values(w).reduce((a, b) => a + b, 0);

test('blend: every component with skill weighs, none without; weights sum to 1', () => {
  const validation = {
    xgb: series(1, 0.05, 300),
    lstm: series(2, 0.03, 300),
    rules: series(3, -0.01, 300),
  };
  const { weights, how } = blendWeights(['xgb', 'lstm', 'rules'], validation, {}, 5);
  assert.equal(weights.rules, 0);
  assert.ok(weights.lstm > 0.2, `a significant LSTM is never dropped: ${weights.lstm}`);
  assert.ok(weights.xgb > weights.lstm);
  assert.ok(Math.abs(sum(weights) - 1) < 1e-12);
  // Half the weight is spread equally: no skilled component weighs under SHRINK_TO_EQUAL / 2.
  assert.ok(weights.lstm >= SHRINK_TO_EQUAL / 2);
  assert.match(how, /validation rows/);
});

test('blend: train.blendShrink sets the share spread equally, from weights by skill alone to equal ones', () => {
  const validation = { xgb: series(1, 0.05, 300), lstm: series(2, 0.03, 300) };
  const at = (shrink: number) => blendWeights(['xgb', 'lstm'], validation, {}, 5, shrink);
  const bySkill = at(0).weights;
  assert.ok(bySkill.xgb > bySkill.lstm && bySkill.lstm > 0);
  assert.deepEqual(at(1).weights, { xgb: 0.5, lstm: 0.5 });
  const fifth = at(0.2);
  assert.ok(Math.abs(fifth.weights.lstm - (0.8 * bySkill.lstm + 0.1)) < 1e-12);
  assert.match(fifth.how, /20% spread equally/);
  assert.deepEqual(
    at(SHRINK_TO_EQUAL).weights,
    blendWeights(['xgb', 'lstm'], validation, {}, 5).weights,
  );
});

test('blend: out-of-sample evidence replaces the validation slice once it is long enough', () => {
  // On validation (flattered by early stopping) xgb leads; out of sample only the LSTM ranks.
  const validation = { xgb: series(4, 0.08, 300), lstm: series(5, 0.03, 300) };
  const evidence = {
    xgb: series(6, -0.02, MIN_EVIDENCE_DAYS),
    lstm: series(7, 0.05, MIN_EVIDENCE_DAYS),
  };
  const used = blendWeights(['xgb', 'lstm'], validation, evidence, 5);
  assert.deepEqual(used.weights, { xgb: 0, lstm: 1 });
  assert.match(used.how, new RegExp(`${MIN_EVIDENCE_DAYS} out-of-sample days`));
  const short = { xgb: evidence.xgb.slice(1), lstm: evidence.lstm.slice(1) };
  const ignored = blendWeights(['xgb', 'lstm'], validation, short, 5);
  assert.ok(ignored.weights.xgb > ignored.weights.lstm && ignored.weights.lstm > 0);
});

test('blend: with no component significant, the best one on the evidence alone', () => {
  const validation = { xgb: series(8, 0.001, 40), lstm: series(9, 0.004, 40) };
  const { weights, how } = blendWeights(['xgb', 'lstm'], validation, {}, 5);
  assert.equal(sum(weights), 1);
  assert.equal(Object.values(weights).filter((w) => w === 1).length, 1);
  assert.match(how, /no component significant/);
});
