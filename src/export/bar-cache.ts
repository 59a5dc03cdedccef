import type { PriceStore } from '../store/price-store.ts';
import { adjustBars } from '../store/adjust.ts';
import type { AdjustedSeries, StoredBar } from '../store/types.ts';

/**
 * One export run's view of the store: each symbol's bars read and adjusted
 * once, whether bars, features or both are exported. Whole histories only
 * (an export never truncates them).
 */
export class BarCache {
  private readonly store: PriceStore;
  private readonly series = new Map<string, { bars: StoredBar[]; adjusted: AdjustedSeries }>();

  constructor(store: PriceStore) {
    this.store = store;
  }

  get(symbol: string): { bars: StoredBar[]; adjusted: AdjustedSeries } {
    let entry = this.series.get(symbol);
    if (!entry) {
      const bars = this.store.bars(symbol);
      entry = { bars, adjusted: adjustBars(symbol, bars) };
      this.series.set(symbol, entry);
    }
    return entry;
  }

  /** PriceStore.adjusted, for loadPanel. */
  adjusted(symbol: string, options: { until?: string } = {}): AdjustedSeries {
    return options.until === undefined
      ? this.get(symbol).adjusted
      : this.store.adjusted(symbol, options);
  }

  symbolInfo(symbol: string): ReturnType<PriceStore['symbolInfo']> {
    return this.store.symbolInfo(symbol);
  }
}
