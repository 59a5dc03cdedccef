import fs from 'node:fs';
import path from 'node:path';
import type { Context } from './context.ts';
import { DataError, UsageError } from './errors.ts';
import { acquireLock } from './lock.ts';
import type { HomePaths } from './home.ts';

/*
 * How a command gets at a home: a folder that is none is refused, and writers
 * take its lock. The files inside, the store included, are opened by the
 * Home (home-files/home.ts).
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
export function assertHomeExists(ctx: { home: HomePaths }): void {
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

export function noStoreError(ctx: { home: HomePaths }): DataError {
  return new DataError(
    `no price data in ${ctx.home.root} (no ${ctx.home.db})`,
    'import or fetch data first: mlx data import FILE... or mlx data fetch SYMBOL...; or pass --home DIR',
  );
}
