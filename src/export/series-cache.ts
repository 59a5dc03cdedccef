import { adjustBars } from '../store/adjust.ts';
import type { PriceStore } from '../store/price-store.ts';
import type { AdjustedSeries, StoredBar } from '../store/types.ts';

/**
 * One export's reads of the store. When features follow bars, the adjusted
 * series the bars export made are kept for the features' panel (which holds
 * them all anyway), so each symbol is read and adjusted once and both files
 * see the same bars. A kept series is handed over once, then forgotten here.
 */
export class SeriesCache {
  private readonly store: PriceStore;
  private readonly keep: boolean;
  private readonly kept = new Map<string, AdjustedSeries>();
  // The symbols trade on much the same days: one string a day, not one a bar (40 MB for 300 stocks).
  private readonly days = new Map<string, string>();

  constructor(store: PriceStore, options: { keep: boolean }) {
    this.store = store;
    this.keep = options.keep;
  }

  /** A symbol's stored bars and their adjusted view (for the bars export). */
  read(symbol: string): { bars: StoredBar[]; adjusted: AdjustedSeries } {
    const bars = this.store.bars(symbol);
    const adjusted = this.interned(adjustBars(symbol, bars));
    if (this.keep) this.kept.set(symbol, adjusted);
    return { bars, adjusted };
  }

  /** PriceStore.adjusted, from what the bars export kept where it can. */
  adjusted(symbol: string): AdjustedSeries {
    const kept = this.kept.get(symbol);
    if (!kept) return this.interned(this.store.adjusted(symbol));
    this.kept.delete(symbol);
    return kept;
  }

  symbolInfo(symbol: string): ReturnType<PriceStore['symbolInfo']> {
    return this.store.symbolInfo(symbol);
  }

  /** Forget the series nobody asked for (symbols outside the features' universe). */
  release(): void {
    this.kept.clear();
  }

  private interned(series: AdjustedSeries): AdjustedSeries {
    const day = (date: string) => this.days.get(date) ?? (this.days.set(date, date), date);
    return { ...series, dates: series.dates.map(day) };
  }
}
