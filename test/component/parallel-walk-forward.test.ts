import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { train } from '../../src/commands/train.ts';
import { syntheticHome } from '../helpers/loop.ts';

/** A model folder's file, as bytes. */
const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file));

/** The manifest without what differs between any two runs (when, and the version named by it). */
function manifestOf(dir: string): Record<string, unknown> {
  const manifest = JSON.parse(read(dir, 'manifest.json').toString('utf8'));
  delete manifest.created_at;
  delete manifest.version;
  delete manifest.promotion;
  delete manifest.params.final_fit.lstm.samples_per_second;
  return manifest;
}

describe('walk-forward on worker threads', () => {
  const dirs: Record<string, string> = {};
  const folds: Record<string, number> = {};

  before(async () => {
    const ctx = await syntheticHome(8, 5);
    for (const jobs of [1, 3]) {
      const result = await train(ctx, { promote: 'never', until: '2021-10-29', jobs });
      dirs[jobs] = result.dir;
      folds[jobs] = result.walk_forward.folds.length;
    }
  });

  it('fits every fold', () => {
    assert.equal(folds[1], 3);
    assert.equal(folds[3], 3);
  });

  it('gives the same oos.csv, metrics and models as one fold after another', () => {
    assert.notEqual(dirs[1], dirs[3]);
    for (const file of ['oos.csv', 'metrics.json', 'xgb.json', 'scaler.json', 'lstm/weights.bin'])
      assert.ok(read(dirs[1], file).equals(read(dirs[3], file)), `${file} differs`);
    assert.deepEqual(manifestOf(dirs[3]), manifestOf(dirs[1]));
  });

  it('a fit without walk-forward (a replay retrain) gives the same model with XGBoost on a thread of its own', async () => {
    const ctx = await syntheticHome(8, 5);
    const made: Record<number, string> = {};
    for (const jobs of [1, 2]) {
      // Two threads: XGBoost fits on its own while this one fits the LSTM.
      const result = await train(ctx, {
        promote: 'never',
        until: '2021-10-29',
        jobs,
        walkForward: false,
      });
      assert.deepEqual(result.models, ['xgb', 'lstm']);
      made[jobs] = result.dir;
    }
    for (const file of ['xgb.json', 'scaler.json', 'lstm/weights.bin', 'feature_importance.json'])
      assert.ok(read(made[1], file).equals(read(made[2], file)), `${file} differs`);
    assert.deepEqual(manifestOf(made[2]), manifestOf(made[1]));
  });
});
