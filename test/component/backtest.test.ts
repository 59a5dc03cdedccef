import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { backtest } from '../../src/commands/backtest.ts';
import { ModelRegistry } from '../../src/registry/registry.ts';
import { PriceStore } from '../../src/store/price-store.ts';
import { syntheticHome } from '../helpers/loop.ts';

describe('mlx backtest on a seeded synthetic market', () => {
  it('replays monthly retrains, daily predictions and weekly verification for adaptive and static weights', async () => {
    const ctx = await syntheticHome(8, 21);
    const result = await backtest(ctx, {
      from: '2021-10-01',
      to: '2021-11-30',
      retrain: 'monthly',
      verifyEvery: 'weekly',
      adapt: true,
      compare: true,
    });
    assert.equal(result.sessions, 42);
    assert.deepEqual(result.retrains, ['2021-09-30', '2021-10-29']);

    // Each retrain saw only bars before the month it predicts.
    const registry = new ModelRegistry(path.join(result.out, 'models'));
    const untils = registry
      .versions('default')
      .map((v) => v.manifest.data_range.until)
      .sort();
    assert.deepEqual(untils, ['2021-09-30', '2021-10-29']);

    for (const arm of ['adaptive', 'static'] as const) {
      const figures = result.arms[arm];
      assert.ok(figures, arm);
      assert.equal(figures.predictions, 42 * 8);
      // Targets up to 2021-11-30 are verified; the last five sessions' are not due yet.
      assert.equal(figures.verified, 37 * 8);
      for (const name of [
        'ensemble',
        'xgb',
        'lstm',
        'rules',
        'zero_change',
        'always_up',
        'momentum',
      ]) {
        assert.equal(figures.metrics[name]?.rows, 37 * 8, name);
      }
    }
    const weights = (arm: string) => {
      const store = PriceStore.open(path.join(result.out, arm, 'data', 'mlx.db'));
      const n = (
        store.db.prepare('SELECT COUNT(*) AS n FROM signal_weights').get() as { n: number }
      ).n;
      store.close();
      return n;
    };
    assert.ok(weights('adaptive') > 0);
    assert.equal(weights('static'), 0);
    // Components do not depend on weights: the arms differ only in the ensemble.
    assert.deepEqual(result.arms.static?.metrics.xgb, result.arms.adaptive?.metrics.xgb);
    // The home's own ledgers and models are untouched.
    assert.ok(
      !fs.existsSync(ctx.home.predictionsDir) ||
        fs.readdirSync(ctx.home.predictionsDir).length === 0,
    );
    assert.ok(fs.existsSync(path.join(result.out, 'backtest.json')));
  });
});
