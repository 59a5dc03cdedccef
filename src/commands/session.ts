import fs from 'node:fs';
import type { Context } from '../context.ts';
import { acquireLock } from '../lock.ts';
import { PriceStore } from '../store/price-store.ts';

/** Run `work` holding the home's write lock (exit 4 if another mlx holds it). */
export async function withWriteLock<T>(
  ctx: Context,
  command: string,
  work: () => Promise<T> | T,
): Promise<T> {
  const lock = await acquireLock(ctx.home.lock, {
    command,
    waitSeconds: ctx.lockWaitSeconds,
    now: ctx.now,
  });
  try {
    return await work();
  } finally {
    lock.release();
  }
}

/** Open the price store; writers create it, readers of a home with none get null. */
export function openStore(ctx: Context, mode: 'write'): PriceStore;
export function openStore(ctx: Context, mode: 'read'): PriceStore | null;
export function openStore(ctx: Context, mode: 'read' | 'write'): PriceStore | null {
  if (mode === 'read' && !fs.existsSync(ctx.home.db)) return null;
  return PriceStore.open(ctx.home.db);
}

/** Open, use and always close a store. */
export async function usingStore<T>(
  ctx: Context,
  mode: 'read' | 'write',
  work: (store: PriceStore | null) => Promise<T> | T,
): Promise<T> {
  const store = mode === 'write' ? openStore(ctx, 'write') : openStore(ctx, 'read');
  try {
    return await work(store);
  } finally {
    store?.close();
  }
}
