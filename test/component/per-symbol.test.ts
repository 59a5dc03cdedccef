import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { predict } from '../../src/commands/predict.ts';
import { train } from '../../src/commands/train.ts';
import { syntheticHome } from '../helpers/loop.ts';

describe('mlx train --per-symbol', () => {
  it('fits, evaluates and saves one model per symbol, and predict uses each symbol its own', async () => {
    const ctx = await syntheticHome(5, 13);
    // Trained on data before the sessions predicted below: their outcomes are out of sample.
    const until = '2021-10-29';
    const pooled = await train(ctx, { promote: 'never', name: 'pooled', until });
    const result = await train(ctx, { promote: 'always', perSymbol: true, until });
    const manifest = JSON.parse(fs.readFileSync(path.join(result.dir, 'manifest.json'), 'utf8'));
    assert.equal(manifest.per_symbol, true);
    assert.deepEqual(Object.keys(manifest.params.units).sort(), manifest.symbols);
    for (const symbol of manifest.symbols) {
      assert.ok(fs.existsSync(path.join(result.dir, 'per_symbol', symbol, 'xgb.json')), symbol);
      assert.ok(
        fs.existsSync(path.join(result.dir, 'per_symbol', symbol, 'lstm', 'model.json')),
        symbol,
      );
    }
    // One head over every symbol's validation scores.
    assert.deepEqual(manifest.params.head.components, ['xgb', 'lstm', 'rules']);
    // Both are judged on the same out-of-sample rows, next to the same baselines.
    const m = result.walk_forward.metrics;
    assert.equal(m.ensemble?.rows, pooled.walk_forward.metrics.ensemble?.rows);
    assert.deepEqual(m.always_up, pooled.walk_forward.metrics.always_up);
    assert.notDeepEqual(m.xgb, pooled.walk_forward.metrics.xgb);

    const predicted = await predict(ctx, { asOf: '2021-11-01', fetch: false, allowStale: false });
    assert.equal(predicted.appended.length, 5, JSON.stringify(predicted.failures));
    assert.ok(
      predicted.appended.every(
        (r) => r.components.xgb !== undefined && r.components.lstm !== undefined,
      ),
    );

    // --model NAME/VERSION: a version never promoted predicts too, and its records say so.
    const named = await predict(ctx, {
      asOf: '2021-11-02',
      fetch: false,
      allowStale: false,
      modelName: 'pooled',
      modelVersion: pooled.version,
    });
    assert.equal(named.model.version, pooled.version);
    assert.equal(named.appended.length, 5, JSON.stringify(named.failures));
    assert.ok(named.appended.every((r) => r.model.version === pooled.version));
  });
});
