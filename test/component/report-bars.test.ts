import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fetchData } from '../../src/commands/data-fetch.ts';
import { barFigures } from '../../src/report/build.ts';
import { IC_HORIZONS } from '../../src/report/signal.ts';
import { PriceStore } from '../../src/store/price-store.ts';
import { testContext } from '../helpers/context.ts';
import { reportOutcome } from '../helpers/report-outcome.ts';

describe("the report's bar figures", () => {
  it('read from the bar before the earliest as_of, they are those of the whole history, bit for bit', async () => {
    const ctx = testContext({ now: '2022-01-03T12:00:00Z' });
    await fetchData(ctx, {
      symbols: [],
      source: 'synthetic',
      count: 2,
      seed: 5,
      from: '2015-01-01',
      to: '2021-12-31',
    });
    const store = PriceStore.open(ctx.home.db);
    try {
      // A split inside the window read and a later download: adjustment walks back over both.
      const late = store.bars('SYN001', { from: '2021-06-16' });
      store.transaction(() =>
        store.upsertBars(
          'SYN001',
          late.map((b, i) => (i === 0 ? { ...b, split: 4 } : b)),
          'synthetic',
          'later',
        ),
      );
      const asOfs = ['2021-03-01', '2021-06-15', '2021-06-16', '2021-12-27', '2021-12-31'];
      const outcomes = ['SYN001', 'SYN002'].flatMap((symbol) =>
        asOfs.map((asOf) => reportOutcome(symbol, asOf, 0.1, 1)),
      );
      const figures = barFigures(store, outcomes);
      let compared = 0;
      for (const o of outcomes) {
        const whole = store.adjusted(o.prediction.symbol);
        const i = whole.dates.indexOf(o.prediction.as_of);
        assert.ok(i > 0, o.prediction.id);
        assert.equal(
          figures.lastReturns.get(o.prediction.id),
          Math.log(whole.close[i] / whole.close[i - 1]),
        );
        const ahead = figures.forward.get(o.prediction.id);
        for (const h of IC_HORIZONS) {
          const want =
            i + h < whole.close.length ? whole.close[i + h] / whole.close[i] - 1 : undefined;
          assert.equal(ahead?.get(h), want, `${o.prediction.id} +${h}`);
          if (want !== undefined) compared++;
        }
      }
      assert.ok(compared > 20);
    } finally {
      store.close();
    }
  });
});
