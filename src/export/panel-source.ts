import type { Config } from '../config.ts';
import { DataError } from '../errors.ts';
import { buildMarketContext, computeFeatures } from '../features/index.ts';
import type { PriceStore } from '../store/price-store.ts';
import type { AdjustedSeries } from '../store/types.ts';
import type { FeaturePass } from './feature-rows.ts';

export interface PanelSource {
  /** The symbols that have bars, in panel order (positions are indices into this). */
  symbols: string[];
  /** Their bars in all: the panel has no more feature rows than this. */
  bars: number;
  pass: FeaturePass;
}

/**
 * The panel `loadPanel` loads over whole histories — the same symbols, the
 * same market context (built from `contextSymbols`) — with each symbol's
 * adjusted series read once and kept, but its feature matrix computed anew
 * on every pass and let go after, instead of kept for every symbol at once.
 */
export function panelSource(
  store: { adjusted: (symbol: string) => AdjustedSeries } & Pick<PriceStore, 'symbolInfo'>,
  symbols: readonly string[],
  config: Config,
  contextSymbols: readonly string[],
): PanelSource {
  const loaded = new Map<string, AdjustedSeries>();
  const load = (symbol: string) => {
    let series = loaded.get(symbol);
    if (!series) loaded.set(symbol, (series = store.adjusted(symbol)));
    return series;
  };
  const usable = symbols.map(load).filter((s) => s.dates.length > 0);
  if (usable.length === 0)
    throw new DataError(`no bars on or before today for ${symbols.join(', ')}`);
  const known = contextSymbols.filter(
    (symbol) => loaded.has(symbol) || store.symbolInfo(symbol) !== null,
  );
  const context = buildMarketContext(known.map(load).filter((s) => s.dates.length > 0));
  const options = { regime: config.regime };
  return {
    symbols: usable.map((s) => s.symbol),
    bars: usable.reduce((n, s) => n + s.dates.length, 0),
    pass: function* (positions) {
      for (const s of positions)
        yield { series: usable[s], features: computeFeatures(usable[s], context, options) };
    },
  };
}
