import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { backtest } from '../../src/commands/backtest.ts';
import { ModelRegistry } from '../../src/registry/registry.ts';
import { PriceStore } from '../../src/store/price-store.ts';
import { withRawDb } from '../helpers/raw-db.ts';
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
      const n = store.weights.rows().length;
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
    // The verdict: adaptive against static on the same predictions, with paired tests, stored.
    const stored = JSON.parse(fs.readFileSync(path.join(result.out, 'backtest.json'), 'utf8'));
    assert.equal(stored.schema, 'mlx.backtest/1');
    assert.deepEqual(stored.verdict, result.verdict);
    assert.match(stored.verdict.at(-1), /^verdict: /);
    assert.ok(stored.comparison.rank_ic.days > 0);
    assert.equal(stored.comparison.coverage_error.target, 0.8);

    // The README's interval replays run on such a folder, and replaying the static arm with
    // every multiplier at 1 gives back the coverage its ledger recorded.
    const replay = execFileSync(
      process.execPath,
      ['--import', 'tsx', path.resolve('scripts/interval-replay.ts'), result.out],
      { encoding: 'utf8' },
    );
    const recorded = /^ {2}static +all (\S+)/m.exec(replay)?.[1];
    const replayed = /^ {2}static \(γ 0\) +all (\S+)/m.exec(replay)?.[1];
    assert.ok(recorded && Number(recorded) > 0, replay);
    assert.equal(replayed, recorded);
    assert.match(replay, /^ {2}today's rule: ACI γ 0\.3, two sides +all 0\.\d{4}/m);

    // The second retrain started its LSTM from the first one's weights.
    const fits = registry
      .versions('default')
      .map(
        (v) => (v.manifest.params.final_fit as { lstm: { warm_start: boolean } }).lstm.warm_start,
      )
      .sort();
    assert.deepEqual(fits, [false, true]);

    // On the ledger this replay wrote, no per-stock weight moved more than maxStep for one outcome.
    const changes = withRawDb(
      path.join(result.out, 'adaptive', 'data', 'mlx.db'),
      (db) =>
        db
          .prepare(
            `SELECT symbol, signal, previous, current FROM weight_changes
             WHERE symbol != '*' AND signal IN ('xgb', 'lstm', 'rules')`,
          )
          .all() as { previous: number; current: number }[],
    );
    const { maxStep, floor, cap } = ctx.config.adaptation;
    assert.ok(changes.length > 0);
    for (const c of changes) {
      assert.ok(Math.abs(Math.log(c.current / c.previous)) <= maxStep + 1e-12, JSON.stringify(c));
      assert.ok(c.current >= floor && c.current <= cap);
    }
  });
});
