import type { Context } from '../context.ts';
import {
  fetchData as fetchIntoHome,
  type FetchOptions,
  type FetchResult,
} from '../jobs/fetch-data.ts';

export type { FetchOptions, FetchResult, FetchedSymbol } from '../jobs/fetch-data.ts';

/** `mlx data fetch`: incremental download into the store; one symbol's failure spares the others. */
export function fetchData(ctx: Context, options: FetchOptions): Promise<FetchResult> {
  return fetchIntoHome(ctx, options);
}
