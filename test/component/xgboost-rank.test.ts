import assert from 'node:assert/strict';
import { describe, it } from '../helpers/suite.ts';
import { ConfigError } from '../../src/errors.ts';
import { xgboostStatus } from '../../src/models/xgboost/index.ts';
import { train } from '../../src/commands/train.ts';
import { syntheticHome } from '../helpers/loop.ts';

const status = xgboostStatus();
const skip = status.available ? false : `libxgboost is not installed: ${status.reason}`;

describe('train with a ranking objective', { skip }, () => {
  async function home() {
    const ctx = await syntheticHome(6, 5);
    ctx.config.train.xgb = { ...ctx.config.train.xgb, objective: 'rank:pairwise' };
    return ctx;
  }

  it('fits the pooled model on one query group per date and scores the test folds', async () => {
    const result = await train(await home(), {
      promote: 'never',
      until: '2021-10-29',
      models: ['xgb'],
    });
    assert.equal(result.walk_forward.folds.length, 3);
    assert.ok(Number.isFinite(result.walk_forward.metrics.xgb?.rank_ic.mean ?? NaN));
  });

  it('refuses a fit with no cross-section to order, naming the setting', async () => {
    await assert.rejects(
      train(await home(), {
        promote: 'never',
        until: '2021-10-29',
        models: ['xgb'],
        perSymbol: true,
      }),
      (err: unknown) => err instanceof ConfigError && /rank:pairwise/.test(err.message),
    );
  });
});
