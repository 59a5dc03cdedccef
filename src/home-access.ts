import fs from 'node:fs';
import path from 'node:path';
import type { Context } from './context.ts';
import { DataError, UsageError } from './errors.ts';
import { acquireLock } from './lock.ts';
import type { HomePaths } from './home.ts';
import { PriceStore } from './store/price-store.ts';

/*
 * How a command gets at a home: a folder that is none is refused, writers
 * take its lock, and the store is opened for what the command does (readers
 * read-only). The files inside are the Home's (home-files/home.ts).
 */

export interface WriteLockOptions {
  /** Commands that make a home (data import, data fetch) create a missing one; others refuse. */
  createHome?: boolean;
  /** Age after which an unreadable lock is taken over (doctor --repair passes less). */
  unreadableTakeoverMs?: number;
  /** doctor --repair: move a symlink or folder at the lock path aside. */
  clearNonFile?: boolean;
  /** doctor --repair --break-lock: clear another host's lock. */
  breakForeign?: boolean;
}

/** Run `work` holding the home's write lock (exit 4 if another mlx holds it). */
export async function withWriteLock<T>(
  ctx: Context,
  command: string,
  work: () => Promise<T> | T,
  options: WriteLockOptions = {},
): Promise<T> {
  if (options.createHome) fs.mkdirSync(ctx.home.root, { recursive: true });
  else assertHomeExists(ctx);
  const lock = await acquireLock(ctx.home.lock, {
    command,
    waitSeconds: ctx.lockWaitSeconds,
    now: ctx.now,
    unreadableTakeoverMs: options.unreadableTakeoverMs,
    clearNonFile: options.clearNonFile,
    breakForeign: options.breakForeign,
    onWait: (message) => ctx.log.info(message),
  });
  try {
    return await work();
  } finally {
    lock.release();
  }
}

/**
 * A folder is a home once mlx has written there (or its config is there): a
 * command run in the wrong folder, or with a mistyped --home, must be refused
 * rather than report "nothing to do" or make a new, empty home.
 */
export function isHome(home: HomePaths): boolean {
  return [
    home.db,
    home.predictionsDir,
    home.modelsDir,
    home.lock,
    path.join(home.root, 'mlx.config.json'),
  ].some((file) => fs.existsSync(file));
}

/** Refuse (exit 2) a folder that is not an mlx home; only data import and data fetch make one. */
export function assertHomeExists(ctx: Context): void {
  if (!isHome(ctx.home)) {
    const why = fs.existsSync(ctx.home.root)
      ? ' (the folder has no data/mlx.db, models/, predictions/ or mlx.config.json)'
      : '';
    throw new UsageError(
      `no mlx home at ${ctx.home.root}${why}`,
      'check --home (or MLX_HOME), or cd into the home; a new home is made by mlx data import FILE... or mlx data fetch',
    );
  }
}

/**
 * Open the price store. 'write' creates (and migrates) it; 'update' opens one
 * that exists for writing, null if none; 'read' opens one that exists
 * read-only — no WAL switch, no migration, nothing written, so readers work on
 * a read-only home — null if none.
 */
export function openStore(ctx: Context, mode: 'write'): PriceStore;
export function openStore(ctx: Context, mode: 'read' | 'update'): PriceStore | null;
export function openStore(ctx: Context, mode: 'read' | 'update' | 'write'): PriceStore | null {
  if (mode !== 'write' && !fs.existsSync(ctx.home.db)) return null;
  return PriceStore.open(ctx.home.db, { readonly: mode === 'read' });
}

/** Open a store that must exist already (predict, verify): a missing one is an error, never created. */
export function openExistingStore(ctx: Context, mode: 'read' | 'update' = 'update'): PriceStore {
  const store = openStore(ctx, mode);
  if (!store) throw noStoreError(ctx);
  return store;
}

export function noStoreError(ctx: Context): DataError {
  return new DataError(
    `no price data in ${ctx.home.root} (no ${ctx.home.db})`,
    'import or fetch data first: mlx data import FILE... or mlx data fetch SYMBOL...; or pass --home DIR',
  );
}

/** Open, use and always close a store (in a home: a folder that is none is refused). */
export async function usingStore<T>(
  ctx: Context,
  mode: 'read' | 'write',
  work: (store: PriceStore | null) => Promise<T> | T,
): Promise<T> {
  assertHomeExists(ctx);
  const store = mode === 'write' ? openStore(ctx, 'write') : openStore(ctx, 'read');
  try {
    return await work(store);
  } finally {
    store?.close();
  }
}
