import assert from 'node:assert/strict';
import { importFiles } from '../../src/commands/data-import.ts';
import { PriceStore } from '../../src/store/price-store.ts';
import { loadPanel, predictionHistoryStart, type Panel } from '../../src/dataset/panel.ts';
import { testContext } from '../helpers/context.ts';
import { skipWithoutSp500, sp500Files } from '../helpers/shared-data.ts';
import { before, describe, it } from '../helpers/suite.ts';

/** Sessions per symbol compared at each date: the row predicted and the LSTM's history before it. */
const COMPARED_ROWS = 25;

/**
 * Predict and explain compute features from three years of bars, not the whole
 * history training saw: on the 55 real stocks, through crashes and splits, the
 * two agree to rounding on every feature of the rows a prediction uses.
 */
describe('features from three years of bars', { skip: skipWithoutSp500 }, () => {
  const ctx = testContext();
  let store: PriceStore;
  let symbols: string[];

  before(async () => {
    await importFiles(ctx, { files: sp500Files(), onBadRow: 'fail' });
    store = PriceStore.open(ctx.home.db, { readonly: true });
    symbols = store.symbolNames();
  });

  /** The largest difference relative to max(1, |value|) over the compared rows; rows compared. */
  function compare(full: Panel, windowed: Panel, asOf: string): { worst: number; rows: number } {
    let worst = 0;
    let rows = 0;
    for (const entry of windowed.symbols) {
      const reference = full.symbols.find((p) => p.symbol === entry.symbol);
      assert.ok(reference, entry.symbol);
      const width = entry.features.names.length;
      const last = entry.features.dates.lastIndexOf(asOf);
      if (last < 0) continue;
      for (let row = Math.max(0, last - COMPARED_ROWS + 1); row <= last; row++) {
        const at = reference.features.dates.lastIndexOf(entry.features.dates[row]);
        assert.equal(
          entry.features.valid[row],
          reference.features.valid[at],
          `${entry.symbol} valid`,
        );
        if (!entry.features.valid[row]) continue;
        rows++;
        for (let j = 0; j < width; j++) {
          const a = entry.features.values[row * width + j];
          const b = reference.features.values[at * width + j];
          const difference = Math.abs(a - b) / Math.max(1, Math.abs(b));
          if (!(difference <= worst)) worst = Number.isNaN(difference) ? Infinity : difference;
        }
      }
    }
    return { worst, rows };
  }

  for (const asOf of ['2008-10-10', '2014-06-02', '2020-03-16', '2021-01-04']) {
    it(`agree with the whole history's to 1e-9 as of ${asOf}`, () => {
      const config = ctx.config;
      const full = loadPanel(store, symbols, asOf, config);
      const windowed = loadPanel(
        store,
        symbols,
        asOf,
        config,
        symbols,
        predictionHistoryStart(asOf),
      );
      const { worst, rows } = compare(full, windowed, asOf);
      assert.ok(rows >= 40 * COMPARED_ROWS, `only ${rows} rows compared`);
      assert.ok(worst <= 1e-9, `largest relative difference ${worst}`);
    });
  }

  it('would not agree from fifteen months of bars (the test can tell)', () => {
    const asOf = '2014-06-02';
    const full = loadPanel(store, symbols, asOf, ctx.config);
    const short = loadPanel(store, symbols, asOf, ctx.config, symbols, '2013-03-01');
    const { worst } = compare(full, short, asOf);
    assert.ok(worst > 1e-9, `largest relative difference ${worst}`);
  });
});
