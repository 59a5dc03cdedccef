import fs from 'node:fs';
import type { Context } from '../context.ts';
import { Home } from '../home-files/home.ts';
import {
  fetchIntoStore,
  syntheticSettings,
  type FetchOptions,
  type FetchResult,
} from '../sources/fetch.ts';

export type { FetchOptions, FetchResult, FetchedSymbol } from '../sources/fetch.ts';

/** Fetch into the home (`mlx data fetch`, the demo): incremental download into the store; one symbol's failure spares the others. */
export async function fetchData(ctx: Context, options: FetchOptions): Promise<FetchResult> {
  if (options.source === 'synthetic') syntheticSettings(ctx, options);
  const created = { home: !fs.existsSync(ctx.home.root), store: !fs.existsSync(ctx.home.db) };
  return Home.of(ctx)
    .withWriteLock(
      ctx,
      'data fetch',
      async (access) => {
        const store = access.openStore('create');
        let result: FetchResult | null = null;
        try {
          result = await fetchIntoStore(ctx, store, options);
          return result;
        } finally {
          store.close();
          // A first fetch that stored nothing leaves no empty store (or home) behind.
          if (created.store && (result === null || result.symbols.length === 0))
            access.discardStore();
        }
      },
      { createHome: true },
    )
    .finally(() => {
      if (created.home) Home.of(ctx).removeIfEmpty();
    });
}
