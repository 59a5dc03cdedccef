import assert from 'node:assert/strict';
import { describe, it } from '../helpers/suite.ts';
import { DataError } from '../../src/errors.ts';
import { Booster, DMatrix, loadXGBoost, xgboostStatus } from '../../src/models/xgboost/index.ts';
import { averageBoosters } from '../../src/models/xgboost/bag.ts';
import { createRandom } from '../../src/random.ts';

const status = xgboostStatus();
const skip = status.available ? false : `libxgboost is not installed: ${status.reason}`;

describe('averageBoosters: a bag of boosters as one XGBoost model', { skip }, () => {
  const lib = loadXGBoost();
  const rows = 600;
  const cols = 5;
  const random = createRandom(7);
  const x = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) x[r * cols + c] = random.normal();
    y[r] = x[r * cols] - 2 * x[r * cols + 1] + 0.5 * random.normal();
  }
  const names = ['a', 'b', 'c', 'd', 'e'];

  /** Boosters that differ (their own row draws); the labels' mean differs too, to test base_score. */
  function boosters(count: number): Booster[] {
    return Array.from({ length: count }, (_, i) => {
      const shifted = y.map((v) => v + i * 0.1);
      const train = DMatrix.fromFloat32(lib, x, rows, cols, {
        labels: shifted,
        featureNames: names,
      });
      const booster = Booster.create(lib, {
        objective: 'reg:squarederror',
        max_depth: 3,
        eta: 0.3,
        subsample: 0.6,
        seed: i + 1,
        base_score: 0.05 * i,
        verbosity: 0,
      });
      booster.train({ train, rounds: 5 + 3 * i });
      train.free();
      return booster;
    });
  }

  it('predicts the mean of its boosters, row by row, and explains it', () => {
    const bag = boosters(3);
    const data = DMatrix.fromFloat32(lib, x, rows, cols, { featureNames: names });
    const each = bag.map((b) => b.predict(data));
    assert.notDeepEqual(each[0], each[1], 'the boosters differ');
    const merged = Booster.loadJson(lib, averageBoosters(bag.map((b) => b.saveJson())));
    const predicted = merged.predict(data);
    for (let r = 0; r < rows; r++) {
      const mean = (each[0][r] + each[1][r] + each[2][r]) / 3;
      assert.ok(Math.abs(predicted[r] - mean) < 1e-5, `row ${r}: ${predicted[r]} vs ${mean}`);
    }
    assert.equal(merged.boostedRounds, 5 + 8 + 11, 'every tree, one a round');
    assert.equal(merged.getAttribute('averaged_boosters'), '3');
    // TreeSHAP stays additive: each row's contributions sum to its prediction.
    const { values, columns } = merged.contributions(data);
    for (let r = 0; r < rows; r += 50) {
      let sum = 0;
      for (let c = 0; c < columns; c++) sum += values[r * columns + c];
      assert.ok(
        Math.abs(sum - predicted[r]) < 1e-4,
        `row ${r}: contributions ${sum} vs ${predicted[r]}`,
      );
    }
    assert.ok(merged.gainImportance().b > merged.gainImportance().e, 'b drives y, e is noise');
    for (const b of [...bag, merged]) b.free();
    data.free();
  });

  it('leaves a single booster as it is and refuses what cannot be averaged', () => {
    const [one] = boosters(1);
    const json = one.saveJson();
    assert.equal(averageBoosters([json]), json);
    assert.throws(() => averageBoosters([]), /No boosters/);
    const model = JSON.parse(json);
    model.learner.objective.name = 'binary:logistic';
    assert.throws(() => averageBoosters([JSON.stringify(model), json]), DataError);
    one.free();
  });
});
