import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from '../helpers/suite.ts';
import { DataError } from '../../src/errors.ts';
import { Booster, DMatrix, loadXGBoost, xgboostStatus } from '../../src/models/xgboost/index.ts';
import { averageBoosters } from '../../src/models/xgboost/bag.ts';
import { createRandom } from '../../src/random.ts';
import { train } from '../../src/commands/train.ts';
import { syntheticHome } from '../helpers/loop.ts';

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

describe('train with train.xgb.bag', { skip }, () => {
  /** The final model's predictions of every row of its own validation file, by symbol and date. */
  async function trained(bag: number, seed: number, binRows: number) {
    const ctx = await syntheticHome(6, 5);
    ctx.config.train.xgb = { ...ctx.config.train.xgb, bag, binRows };
    const result = await train(ctx, {
      promote: 'never',
      until: '2021-10-29',
      models: ['xgb'],
      seed,
    });
    const manifest = JSON.parse(fs.readFileSync(path.join(result.dir, 'manifest.json'), 'utf8'));
    const model = Booster.loadJson(
      loadXGBoost(),
      fs.readFileSync(path.join(result.dir, 'xgb.json'), 'utf8'),
    );
    return { manifest, model };
  }

  it('averages boosters that differ in seed and bin placement, and says so', async () => {
    const { manifest, model } = await trained(3, 7, 300);
    assert.equal(manifest.params.final_fit.xgb.members.length, 3);
    assert.equal(model.getAttribute('averaged_boosters'), '3');
    // Bag member i is the booster a single fit with seed 7 + i grows.
    const singles = await Promise.all([7, 8, 9].map((seed) => trained(1, seed, 300)));
    assert.deepEqual(
      manifest.params.final_fit.xgb.members,
      singles.map((s) => s.manifest.params.final_fit.xgb.best_iteration),
    );
    const lib = loadXGBoost();
    const random = createRandom(3);
    const cols = model.featureCount;
    const x = Float32Array.from({ length: 200 * cols }, () => random.normal());
    const rows = DMatrix.fromFloat32(lib, x, 200, cols);
    const bagged = model.predict(rows);
    const each = singles.map((s) => s.model.predict(rows));
    for (let r = 0; r < 200; r++) {
      const mean = (each[0][r] + each[1][r] + each[2][r]) / 3;
      assert.ok(Math.abs(bagged[r] - mean) < 1e-5, `row ${r}: ${bagged[r]} vs ${mean}`);
    }
    rows.free();
  });

  it("fits one booster when nothing would tell the bag's boosters apart", async () => {
    const { manifest, model } = await trained(3, 7, 0);
    assert.equal(manifest.params.final_fit.xgb.members, undefined);
    assert.equal(model.getAttribute('averaged_boosters'), null);
  });
});
