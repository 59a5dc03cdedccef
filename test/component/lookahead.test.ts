import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig } from '../../src/config.ts';
import { buildMarketContext, computeFeatures, FEATURE_NAMES } from '../../src/features/index.ts';
import type { FeatureMatrix } from '../../src/features/index.ts';
import { readCsvFile, symbolFromFileName } from '../../src/sources/csv.ts';
import { adjustBars } from '../../src/store/adjust.ts';
import type { RawBar, StoredBar } from '../../src/store/types.ts';
import { skipWithoutSp500, sp500Files } from '../helpers/shared-data.ts';

/**
 * The look-ahead guarantee on real data. For every symbol, at many dates t
 * spread over its history, features are recomputed as `mlx predict` would
 * have computed them on day t: the symbol's bars up to t, adjusted afresh
 * (adjustment anchors at the last bar, so every price differs from the
 * full-history one by a constant factor), against a market context rebuilt
 * from every symbol cut at t and adjusted afresh. Row t must equal the
 * full-history row t in every column, and be valid or not alike.
 */

const RELATIVE = 1e-9;
/** Below this, two values count as the same zero (a return of exactly 0 computed two ways). */
const ABSOLUTE = 1e-12;
const MIN_DATES_PER_SYMBOL = 50;
/** Named dates checked on top of the grid: the day of AAPL's 4:1 split. */
const EXTRA_DATES = ['2020-08-31'];

interface Stock {
  symbol: string;
  bars: StoredBar[];
  dates: string[];
  full: FeatureMatrix;
}

/** A bar as the store hands it back (an object literal of one shape, as a row reader builds it). */
const stored = (b: RawBar): StoredBar => ({
  date: b.date,
  open: b.open,
  high: b.high,
  low: b.low,
  close: b.close,
  volume: b.volume,
  dividend: b.dividend,
  split: b.split,
  adjClose: b.adjClose,
  source: 'csv',
  fetchedAt: 'import',
});

/** How many of the ascending `dates` are on or before `date`. */
function countUpTo(dates: readonly string[], date: string): number {
  let low = 0;
  let high = dates.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (dates[mid] <= date) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Which symbols to check on which dates. A grid of evenly spaced dates of the
 * union calendar, as coarse as still leaves every symbol enough trading dates
 * with a warmed-up row; each symbol is then checked on about
 * MIN_DATES_PER_SYMBOL of them, evenly spread, plus its first grid date (often
 * still in warm-up, where the valid flags must agree too) and EXTRA_DATES.
 * The market context is rebuilt once per grid date for all symbols.
 */
function checkPlan(
  calendar: readonly string[],
  stocks: readonly Stock[],
): Map<string, Set<string>> {
  const target = MIN_DATES_PER_SYMBOL + 2;
  const eligible = (stock: Stock, grid: readonly string[]) => {
    const trades = new Set(stock.dates);
    const firstValid = stock.dates[stock.full.valid.indexOf(1)];
    return grid.filter((d) => trades.has(d) && d >= firstValid);
  };
  for (let count = target; ; count += 5) {
    const grid = new Set(EXTRA_DATES);
    for (let i = 0; i < count; i++) {
      grid.add(calendar[Math.round(250 + ((calendar.length - 1 - 250) * i) / (count - 1))]);
    }
    const sorted = [...grid].sort();
    const perStock = stocks.map((stock) => eligible(stock, sorted));
    if (perStock.some((dates) => dates.length < target)) continue;
    const plan = new Map<string, Set<string>>();
    stocks.forEach((stock, k) => {
      const dates = perStock[k];
      const picked = new Set<string>();
      for (let i = 0; i < target; i++)
        picked.add(dates[Math.round(((dates.length - 1) * i) / (target - 1))]);
      const firstTraded = sorted.find((d) => d >= stock.dates[0]);
      if (firstTraded !== undefined) picked.add(firstTraded);
      for (const date of EXTRA_DATES) if (dates.includes(date)) picked.add(date);
      for (const date of picked) {
        if (!plan.has(date)) plan.set(date, new Set());
        plan.get(date)?.add(stock.symbol);
      }
    });
    return new Map([...plan].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

test(
  'no look-ahead: features at day t from history cut at t equal the full-history features, 55 real symbols',
  { skip: skipWithoutSp500 },
  () => {
    const options = { regime: defaultConfig().regime };
    const loaded = sp500Files().map((file) => {
      const symbol = symbolFromFileName(file);
      const bars = readCsvFile(file).bars.map(stored);
      return { symbol, bars, series: adjustBars(symbol, bars) };
    });
    const fullContext = buildMarketContext(loaded.map((s) => s.series));
    const stocks: Stock[] = loaded.map(({ symbol, bars, series }) => ({
      symbol,
      bars,
      dates: series.dates,
      full: computeFeatures(series, fullContext, options),
    }));
    assert.equal(stocks.length, 55);
    const plan = checkPlan(fullContext.dates, stocks);

    const width = FEATURE_NAMES.length;
    const failures: string[] = [];
    const validChecks = new Map<string, number>(stocks.map((s) => [s.symbol, 0]));
    let checks = 0;
    for (const [date, symbols] of plan) {
      const cut = stocks
        .map((stock) => ({ stock, rows: countUpTo(stock.dates, date) }))
        .filter(({ rows }) => rows > 0)
        .map(({ stock, rows }) => ({
          stock,
          series: adjustBars(stock.symbol, stock.bars.slice(0, rows)),
        }));
      const context = buildMarketContext(cut.map((c) => c.series));
      for (const { stock, series } of cut) {
        const t = series.dates.length - 1;
        if (!symbols.has(stock.symbol)) continue;
        assert.equal(series.dates[t], date);
        const matrix = computeFeatures(series, context, options);
        checks++;
        if (stock.full.valid[t] === 1)
          validChecks.set(stock.symbol, (validChecks.get(stock.symbol) ?? 0) + 1);
        if (matrix.valid[t] !== stock.full.valid[t]) {
          failures.push(
            `${stock.symbol} ${date}: valid ${matrix.valid[t]}, full history says ${stock.full.valid[t]}`,
          );
        }
        for (let j = 0; j < width; j++) {
          const asOf = matrix.values[t * width + j];
          const later = stock.full.values[t * width + j];
          const same =
            Number.isNaN(asOf) && Number.isNaN(later)
              ? true
              : Math.abs(asOf - later) <=
                RELATIVE * Math.max(Math.abs(asOf), Math.abs(later)) + ABSOLUTE;
          if (!same) {
            failures.push(
              `${FEATURE_NAMES[j]} of ${stock.symbol} on ${date}: ${asOf} as of that day, ${later} with later history`,
            );
          }
        }
      }
    }

    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} look-ahead failures`);
    for (const [symbol, count] of validChecks) {
      assert.ok(count >= MIN_DATES_PER_SYMBOL, `${symbol}: only ${count} warmed-up dates checked`);
    }
    assert.ok(checks >= 55 * MIN_DATES_PER_SYMBOL);
  },
);
