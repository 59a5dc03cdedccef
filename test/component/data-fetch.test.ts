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

  it("Yahoo's impossible bars get the store's checks: left out with a warning, or the symbol fails when one carries a split", async () => {
    const broken = fixture('aapl-split-2020.json');
    const quote = broken.chart.result[0].indicators.quote[0];
    const day = (i: number) =>
      new Date(broken.chart.result[0].timestamp[i] * 1000).toISOString().slice(0, 10);
    // Bar 5: high below low. The split day (2020-08-31) stays good.
    quote.high[5] = (quote.low[5] as number) / 2;
    const ctx = testContext({ now: '2020-09-08T12:00:00Z' });
    const yahoo = fakeYahoo({ status: 200, body: broken });
    const result = await fetchData(ctx, {
      symbols: ['AAPL'],
      source: 'yahoo',
      from: '2020-08-03',
      fetchImpl: yahoo.fetchImpl,
      sleep: noSleep,
    });
    assert.equal(result.exit_code, 0);
    assert.deepEqual(
      result.symbols[0].bad_bars?.map((b) => [b.date, b.field]),
      [[day(5), 'high']],
    );
    assert.ok(ctx.lines.some((l) => l.includes(`Yahoo's bar of ${day(5)} left out: high`)));
    const store = PriceStore.open(ctx.home.db);
    assert.equal(store.bars('AAPL', { from: day(5), until: day(5) }).length, 0);
    store.close();

    const split = fixture('aapl-split-2020.json');
    const splitIndex = split.chart.result[0].timestamp.findIndex(
      (t) => new Date(t * 1000).toISOString().slice(0, 10) === '2020-08-31',
    );
    const splitQuote = split.chart.result[0].indicators.quote[0];
    splitQuote.open[splitIndex] = (splitQuote.high[splitIndex] as number) * 2;
    const other = testContext({ now: '2020-09-08T12:00:00Z' });
    const failed = await fetchData(other, {
      symbols: ['AAPL'],
      source: 'yahoo',
      from: '2020-08-03',
      fetchImpl: fakeYahoo({ status: 200, body: split }).fetchImpl,
      sleep: noSleep,
    });
    assert.equal(failed.exit_code, 1);
    assert.match(failed.failures[0].error, /2020-08-31 for AAPL carries a split .*open/);
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

  it('the synthetic source refuses bars after the last closed session', async () => {
    const ctx = testContext({ now: '2021-04-22T12:00:00Z' });
    await assert.rejects(
      fetchData(ctx, {
        symbols: [],
        source: 'synthetic',
        count: 2,
        seed: 1,
        from: '2021-01-04',
        to: '2021-06-30',
      }),
      /--to 2021-06-30 is after the last closed session \(2021-04-21\)/,
    );
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
