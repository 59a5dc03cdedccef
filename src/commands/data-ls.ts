import { calendarFor } from '../calendar/index.ts';
import type { Context } from '../context.ts';
import { assessQuality, round, type QualityReport } from '../store/quality.ts';
import { unknownSymbolError } from '../store/price-store.ts';
import { noStoreError } from '../home-access.ts';
import { Home } from '../home-files/home.ts';

export interface StoredSymbol {
  symbol: string;
  name: string | null;
  sector: string | null;
  exchange: string;
  synthetic: boolean;
  source: string;
  first: string;
  last: string;
  rows: number;
  missing_sessions: number;
  zero_volume_days: number;
  splits: number;
  dividends: number;
  suspicious_moves: number;
}

/**
 * `mlx data ls`: every stored symbol with its range, row count and quality
 * flags, from the per-symbol summaries the store keeps with the bars: one row
 * per symbol read, however many bars are stored.
 */
export async function listStored(ctx: Context): Promise<StoredSymbol[]> {
  return Home.of(ctx).usingReadStore((store) => {
    if (!store) return [];
    return store.listSymbols().map((s) => {
      return {
        symbol: s.symbol,
        name: s.name,
        sector: s.sector,
        exchange: s.exchange,
        synthetic: s.synthetic,
        source: s.source,
        first: s.first,
        last: s.last,
        rows: s.rows,
        missing_sessions: s.missing_sessions,
        zero_volume_days: s.zero_volume_days,
        splits: s.splits,
        dividends: s.dividends,
        suspicious_moves: s.suspicious_moves,
      };
    });
  });
}

export interface SymbolDetail {
  symbol: string;
  name: string | null;
  sector: string | null;
  exchange: string;
  timezone: string;
  currency: string | null;
  synthetic: boolean;
  source: string;
  first: string;
  last: string;
  rows: number;
  last_bar: {
    date: string;
    open: number;
    high: number;
    low: number;
    close: number;
    volume: number;
    adjusted_close: number;
    adj_factor: number;
  };
  revisions: number;
  quality: QualityReport;
}

/** `mlx data show SYMBOL`: one symbol in detail. */
export async function showStored(ctx: Context, symbol: string): Promise<SymbolDetail> {
  return Home.of(ctx).usingReadStore((store) => {
    if (!store) throw noStoreError(ctx);
    const summary = store.symbolSummary(symbol);
    if (!summary) {
      throw unknownSymbolError(symbol);
    }
    const series = store.adjusted(symbol);
    const raw = store.bars(symbol, { from: summary.last }).at(-1)!;
    const last = series.dates.length - 1;
    const revisions = store.revisionCount(symbol);
    return {
      symbol: summary.symbol,
      name: summary.name,
      sector: summary.sector,
      exchange: summary.exchange,
      timezone: summary.timezone,
      currency: summary.currency,
      synthetic: summary.synthetic,
      source: summary.source,
      first: summary.first,
      last: summary.last,
      rows: summary.rows,
      last_bar: {
        date: raw.date,
        open: raw.open,
        high: raw.high,
        low: raw.low,
        close: raw.close,
        volume: raw.volume,
        adjusted_close: round(series.close[last], 6),
        adj_factor: series.adjFactor[last],
      },
      revisions,
      quality: assessQuality(series, calendarFor(summary.exchange, summary.timezone)),
    };
  });
}
