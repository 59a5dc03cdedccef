import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PriceStore } from '../../src/store/price-store.ts';
import { tempHome } from '../helpers/cli.ts';
import { verifiedHome } from '../helpers/verified-home.ts';

describe("a replay's store starts as a new home's", () => {
  it('copyMarketTo keeps bars, symbols and summaries; drops weights, their history and the ledger index', async () => {
    const ctx = await verifiedHome({ symbols: 5, from: '2021-03-01', to: '2021-04-30' });
    const home = PriceStore.open(ctx.home.db);
    // The backtest makes the arm's data/ folder first, as here.
    const copyFile = path.join(tempHome(), 'mlx.db');
    let before: { weights: number; verifications: number; bars: number };
    try {
      before = {
        weights: home.weights.rows().length,
        verifications: home.ledgerIndex.verificationCount(),
        bars: home.barCount(),
      };
      assert.ok(before.weights > 0 && before.verifications > 0, 'the home has learnt something');
      home.copyMarketTo(copyFile);
      assert.equal(home.weights.rows().length, before.weights, 'the home is not touched');
      assert.equal(home.ledgerIndex.verificationCount(), before.verifications);
    } finally {
      home.close();
    }
    const copy = PriceStore.open(copyFile);
    try {
      assert.equal(copy.barCount(), before.bars);
      assert.deepEqual(copy.symbolNames(), ctx.symbols);
      assert.equal(copy.listSymbols().length, ctx.symbols.length);
      assert.deepEqual(copy.weights.rows(), []);
      assert.deepEqual(copy.weights.history(ctx.symbols[0]), []);
      assert.equal(copy.ledgerIndex.verificationCount(), 0);
      assert.deepEqual(copy.ledgerIndex.records('predictions'), []);
      assert.equal(copy.integrityCheck(), 'ok');
    } finally {
      copy.close();
    }
  });
});
