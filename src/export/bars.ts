import type { AdjustedSeries, StoredBar } from '../store/types.ts';
import type { ColumnData, ColumnSpec, ExportBatch, ExportTable } from './table.ts';

export const BARS_SCHEMA = 'mlx.export.bars/1';

export interface BarsExport {
  /** The symbols to export, in file order. */
  symbols: readonly string[];
  /** A symbol's stored bars, ascending, and their adjusted view (read when its turn comes). */
  read: (symbol: string) => { bars: StoredBar[]; adjusted: AdjustedSeries };
  /** Sessions on or after this day only. */
  since?: string;
  /** At most this many rows a batch (default: a symbol's bars); changes nothing in the file. */
  batchRows?: number;
}

type Field = 'open' | 'high' | 'low' | 'close' | 'volume' | 'dividend' | 'split';
const TRADED: readonly Field[] = ['open', 'high', 'low', 'close', 'volume', 'dividend', 'split'];
type AdjustedField = 'open' | 'high' | 'low' | 'close' | 'volume' | 'adjFactor';
const ADJUSTED: readonly [string, AdjustedField][] = [
  ['adj_open', 'open'],
  ['adj_high', 'high'],
  ['adj_low', 'low'],
  ['adj_close', 'close'],
  ['adj_volume', 'volume'],
  ['adj_factor', 'adjFactor'],
];

const COLUMNS: readonly ColumnSpec[] = [
  { name: 'symbol', type: 'VARCHAR' },
  { name: 'date', type: 'DATE' },
  ...TRADED.map((name): ColumnSpec => ({ name, type: 'DOUBLE' })),
  { name: 'source_adj_close', type: 'DOUBLE' },
  { name: 'source', type: 'VARCHAR' },
  { name: 'fetched_at', type: 'VARCHAR' },
  ...ADJUSTED.map(([name]): ColumnSpec => ({ name, type: 'DOUBLE' })),
];

/**
 * Stored bars as traded, and beside them the adjusted view the models see
 * (anchored at the symbol's last stored bar, as README "Prices, splits and
 * dividends" describes), one row per symbol and session, read and adjusted
 * one symbol at a time as the writer asks for rows.
 */
export function barsTable(input: BarsExport): ExportTable {
  return {
    schema: BARS_SCHEMA,
    columns: COLUMNS,
    metadata: {
      mlx_note:
        'open…volume as traded; adj_* split- and dividend-adjusted, anchored at each symbol’s last stored bar (adj_close = close × adj_factor)',
    },
    batches: () => barBatches(input),
  };
}

function* barBatches(input: BarsExport): Generator<ExportBatch> {
  for (const symbol of input.symbols) {
    const { bars, adjusted } = input.read(symbol);
    const from = input.since === undefined ? 0 : firstOnOrAfter(adjusted.dates, input.since);
    const step = Math.max(1, input.batchRows ?? bars.length);
    for (let start = from; start < bars.length; start += step) {
      const end = Math.min(bars.length, start + step);
      const slice = bars.slice(start, end);
      const text = (pick: (bar: StoredBar) => string): ColumnData => ({
        type: 'VARCHAR',
        values: slice.map(pick),
      });
      const number = (pick: (bar: StoredBar) => number | null): ColumnData => {
        const values = new Float64Array(slice.length);
        for (let i = 0; i < slice.length; i++) values[i] = pick(slice[i]) ?? NaN;
        return { type: 'DOUBLE', values };
      };
      yield {
        rows: end - start,
        columns: [
          text(() => symbol),
          { type: 'DATE', values: slice.map((bar) => bar.date) },
          ...TRADED.map((field) => number((bar) => bar[field])),
          number((bar) => bar.adjClose),
          text((bar) => bar.source),
          text((bar) => bar.fetchedAt),
          ...ADJUSTED.map(([, field]): ColumnData => ({
            type: 'DOUBLE',
            values: adjusted[field].subarray(start, end),
          })),
        ],
      };
    }
  }
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
