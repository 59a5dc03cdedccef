import { adjustBars } from '../store/adjust.ts';
import type { AdjustedSeries, StoredBar } from '../store/types.ts';
import type { ExportColumn, ExportTable } from './table.ts';

export const BARS_SCHEMA = 'mlx.export.bars/1';

/**
 * Stored bars as traded, and beside them the adjusted view the models see
 * (anchored at the symbol's last stored bar, as README "Prices, splits and
 * dividends" describes), one row per symbol and session (pure).
 */
export function barsTable(
  series: readonly { symbol: string; bars: readonly StoredBar[]; adjusted?: AdjustedSeries }[],
  since?: string,
): ExportTable {
  const kept = series.map(({ symbol, bars, ...given }) => {
    const adjusted = given.adjusted ?? adjustBars(symbol, bars);
    const from = since === undefined ? 0 : firstOnOrAfter(adjusted.dates, since);
    return { symbol, bars: bars.slice(from), adjusted, from };
  });
  const rows = kept.reduce((n, k) => n + k.bars.length, 0);
  const text = (pick: (bar: StoredBar, symbol: string) => string | null) => {
    const values: (string | null)[] = [];
    for (const k of kept) for (const bar of k.bars) values.push(pick(bar, k.symbol));
    return values;
  };
  const number = (pick: (bar: StoredBar) => number | null) => {
    const values = new Float64Array(rows);
    let r = 0;
    for (const k of kept) for (const bar of k.bars) values[r++] = pick(bar) ?? NaN;
    return values;
  };
  const adjusted = (
    field: 'open' | 'high' | 'low' | 'close' | 'volume' | 'adjFactor',
  ): Float64Array => {
    const values = new Float64Array(rows);
    let r = 0;
    for (const k of kept) {
      values.set(k.adjusted[field].subarray(k.from), r);
      r += k.bars.length;
    }
    return values;
  };
  const columns: ExportColumn[] = [
    { name: 'symbol', data: { type: 'VARCHAR', values: text((_, s) => s) } },
    { name: 'date', data: { type: 'DATE', values: text((b) => b.date) } },
    { name: 'open', data: { type: 'DOUBLE', values: number((b) => b.open) } },
    { name: 'high', data: { type: 'DOUBLE', values: number((b) => b.high) } },
    { name: 'low', data: { type: 'DOUBLE', values: number((b) => b.low) } },
    { name: 'close', data: { type: 'DOUBLE', values: number((b) => b.close) } },
    { name: 'volume', data: { type: 'DOUBLE', values: number((b) => b.volume) } },
    { name: 'dividend', data: { type: 'DOUBLE', values: number((b) => b.dividend) } },
    { name: 'split', data: { type: 'DOUBLE', values: number((b) => b.split) } },
    { name: 'source_adj_close', data: { type: 'DOUBLE', values: number((b) => b.adjClose) } },
    { name: 'source', data: { type: 'VARCHAR', values: text((b) => b.source) } },
    { name: 'fetched_at', data: { type: 'VARCHAR', values: text((b) => b.fetchedAt) } },
    { name: 'adj_open', data: { type: 'DOUBLE', values: adjusted('open') } },
    { name: 'adj_high', data: { type: 'DOUBLE', values: adjusted('high') } },
    { name: 'adj_low', data: { type: 'DOUBLE', values: adjusted('low') } },
    { name: 'adj_close', data: { type: 'DOUBLE', values: adjusted('close') } },
    { name: 'adj_volume', data: { type: 'DOUBLE', values: adjusted('volume') } },
    { name: 'adj_factor', data: { type: 'DOUBLE', values: adjusted('adjFactor') } },
  ];
  return {
    schema: BARS_SCHEMA,
    rows,
    columns,
    metadata: {
      mlx_note:
        'open…volume as traded; adj_* split- and dividend-adjusted, anchored at each symbol’s last stored bar (adj_close = close × adj_factor)',
    },
  };
}

function firstOnOrAfter(dates: readonly string[], day: string): number {
  let low = 0;
  let high = dates.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (dates[middle] < day) low = middle + 1;
    else high = middle;
  }
  return low;
}
