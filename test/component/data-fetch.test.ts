import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fetchData } from '../../src/commands/data-fetch.ts';
import { PriceStore } from '../../src/store/price-store.ts';
import { testContext } from '../helpers/context.ts';
import { fakeYahoo, fixture } from '../helpers/yahoo-fake.ts';

const noSleep = async () => {};

describe('mlx data fetch (Yahoo, network replaced)', () => {
  it('stores raw bars, then refetches only a short overlap and changes nothing', async () => {
    const ctx = testContext({ now: '2020-09-08T12:00:00Z' });
    const first = fakeYahoo({ status: 200, body: fixture('aapl-split-2020.json') });
    const result = await fetchData(ctx, {
      symbols: ['AAPL'],
      source: 'yahoo',
      from: '2020-08-03',
      fetchImpl: first.fetchImpl,
      sleep: noSleep,
    });
    assert.equal(result.exit_code, 0);
    assert.ok(result.symbols[0].inserted > 20);

    const again = fakeYahoo({ status: 200, body: fixture('aapl-split-2020.json') });
    const second = await fetchData(ctx, {
      symbols: ['AAPL'],
      source: 'yahoo',
      fetchImpl: again.fetchImpl,
      sleep: noSleep,
    });
    assert.equal(second.symbols[0].inserted, 0);
    assert.equal(second.symbols[0].updated, 0);
    // Incremental: ten sessions before the last stored bar (2020-09-04).
    assert.equal(second.symbols[0].from, '2020-08-21');

    const store = PriceStore.open(ctx.home.db);
    const series = store.adjusted('AAPL');
    const t = series.dates.indexOf('2020-08-31');
    const change = series.close[t] / series.close[t - 1] - 1;
    assert.ok(Math.abs(change - 0.034) < 0.003, `adjusted change across the split ${change}`);
    store.close();
  });

  it('one unknown symbol spares the others: exit 3 with the failure listed', async () => {
    const ctx = testContext({ now: '2020-09-08T12:00:00Z' });
    const yahoo = fakeYahoo(
      { status: 200, body: fixture('aapl-split-2020.json') },
      { status: 404, body: fixture('not-found.json') },
    );
    const result = await fetchData(ctx, {
      symbols: ['AAPL', 'NOPE'],
      source: 'yahoo',
      from: '2020-08-03',
      fetchImpl: yahoo.fetchImpl,
      sleep: noSleep,
    });
    assert.equal(result.exit_code, 3);
    assert.deepEqual(
      result.symbols.map((s) => s.symbol),
      ['AAPL'],
    );
    assert.equal(result.failures[0].symbol, 'NOPE');
    assert.match(result.failures[0].error, /NOPE/);
  });

  it('the synthetic market is seeded: a second fetch with the same seed changes nothing', async () => {
    const ctx = testContext();
    const options = {
      symbols: [],
      source: 'synthetic' as const,
      count: 5,
      seed: 7,
      from: '2019-01-01',
      to: '2019-12-31',
    };
    const first = await fetchData(ctx, options);
    assert.equal(first.symbols.length, 5);
    assert.ok(first.symbols.every((s) => s.inserted === 252));
    const second = await fetchData(ctx, options);
    assert.ok(second.symbols.every((s) => s.inserted === 0 && s.updated === 0));
    const store = PriceStore.open(ctx.home.db);
    assert.ok(store.listSymbols().every((s) => s.synthetic && s.source === 'synthetic'));
    store.close();
  });
});
