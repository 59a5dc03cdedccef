/** One daily bar as traded (unadjusted), as the store keeps it. */
export interface RawBar {
  /** Exchange-local trading day, YYYY-MM-DD. */
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Cash dividend going ex this day (0 otherwise). */
  dividend: number;
  /** Split ratio effective this day (1 otherwise; 4 for a 4-for-1). */
  split: number;
  /** The source's own adjusted close, where it gives one. */
  adjClose: number | null;
}

/** A bar with its provenance, as read back from the store. */
export interface StoredBar extends RawBar {
  source: string;
  /** ISO instant of the download or import that wrote the bar; bars written together share it. */
  fetchedAt: string;
}

export interface SymbolInfo {
  symbol: string;
  /** 'US' uses the NYSE calendar; anything else trades on weekdays. */
  exchange: string;
  timezone: string;
  currency: string | null;
  name: string | null;
  sector: string | null;
  synthetic: boolean;
}

/**
 * Split- and dividend-adjusted daily bars of one symbol, columnar. Prices are
 * anchored at the last bar (its adjFactor is 1), so ratios between two days
 * depend only on events between them.
 */
export interface AdjustedSeries {
  symbol: string;
  dates: string[];
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  /** Split-adjusted volume (shares, in the last bar's share basis). */
  volume: Float64Array;
  /** adjusted close = raw close × adjFactor. */
  adjFactor: Float64Array;
  rawClose: Float64Array;
  dividend: Float64Array;
  split: Float64Array;
}
