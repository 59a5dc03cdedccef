import type { Context } from '../context.ts';
import {
  featureSetIdentity,
  selectFeatureRows,
  type FeatureRowsReport,
} from '../features/index.ts';
import { unknownSymbolError } from '../store/price-store.ts';
import { loadPanel } from '../dataset/panel.ts';
import { noStoreError } from '../home-access.ts';
import { resolveUniverse } from '../universe.ts';
import { Home } from '../home-files/home.ts';

export interface FeaturesOptions {
  asOf?: string;
  last?: number;
}

/**
 * `mlx features SYMBOL`: the exact rows a model sees — the same loading,
 * truncation at --as-of and market context (the promoted model's symbols,
 * else the universe) as predict.
 */
export async function showFeatures(
  ctx: Context,
  symbol: string,
  options: FeaturesOptions,
): Promise<FeatureRowsReport> {
  return Home.of(ctx).usingReadStore((store) => {
    if (!store) throw noStoreError(ctx);
    if (!store.symbolInfo(symbol)) throw unknownSymbolError(symbol);
    const registry = Home.of(ctx).models;
    const promoted = registry.currentVersion(ctx.config.modelName);
    const contextSymbols = promoted
      ? registry.manifest(ctx.config.modelName, promoted).symbols
      : resolveUniverse(ctx, store, {});
    const panel = loadPanel(store, [symbol], options.asOf, ctx.config, contextSymbols);
    return selectFeatureRows(
      panel.symbols[0].features,
      options,
      featureSetIdentity(ctx.config.regime),
    );
  });
}
