import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LockedError, fileSystemError } from './errors.ts';

export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  started_at: string;
}

export interface HomeLock {
  release(): void;
}

/** An unreadable lock (empty, half-written, garbage) older than this is taken over. */
export const UNREADABLE_LOCK_TAKEOVER_MS = 60_000;

export interface LockOptions {
  command: string;
  /** Seconds to wait for another process to finish before giving up with exit 4. */
  waitSeconds?: number;
  now?: () => Date;
  /** Age after which an unreadable lock is taken over (default one minute). */
  unreadableTakeoverMs?: number;
}

/** What is in the lock slot now. */
export type LockState =
  | { state: 'free' }
  /** Owned by a live process (or one on another host, which cannot be checked). */
  | { state: 'held'; owner: LockOwner }
  /** Left by a process on this host that no longer runs (SIGKILL, power loss). */
  | { state: 'dead-owner'; owner: LockOwner }
  /** Not a lock mlx can read: 0 bytes (a full disk) or garbage. */
  | { state: 'unreadable'; ageMs: number; bytes: number };

/**
 * Take the home's write lock: a file created with O_EXCL holding the owner's
 * pid. A lock left by a dead process on this host (SIGKILL, power loss) is
 * taken over at once, an unreadable one once it is a minute old (no process
 * takes that long to write its few bytes); a live owner means exit 4 after
 * `waitSeconds`. A lock this process fails to write (disk full) is removed,
 * never left behind.
 */
export async function acquireLock(lockFile: string, options: LockOptions): Promise<HomeLock> {
  const deadline = Date.now() + (options.waitSeconds ?? 0) * 1000;
  const takeoverMs = options.unreadableTakeoverMs ?? UNREADABLE_LOCK_TAKEOVER_MS;
  const owner: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    command: options.command,
    started_at: (options.now?.() ?? new Date()).toISOString(),
  };
  for (;;) {
    if (tryCreate(lockFile, owner)) return lockHandle(lockFile);
    const current = inspectLock(lockFile);
    if (
      current.state === 'dead-owner' ||
      (current.state === 'unreadable' && current.ageMs >= takeoverMs)
    ) {
      clearLock(lockFile, current);
      continue;
    }
    if (current.state === 'free') continue;
    if (Date.now() >= deadline) {
      const who =
        current.state === 'held'
          ? `pid ${current.owner.pid}, \`mlx ${current.owner.command}\`, started ${current.owner.started_at}`
          : `an unreadable lock file, ${Math.round(current.ageMs / 1000)} s old: a process just starting, ` +
            `or one that could not write it; it is taken over once a minute old`;
      throw new LockedError(
        `another mlx process holds the lock on ${path.dirname(lockFile)} (${who})`,
        'wait for it to finish, or rerun with --wait SECONDS; mlx doctor shows the lock, and if no mlx is running, mlx doctor --repair clears it',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Create the lock file with O_EXCL and write the owner; false when it exists already. */
function tryCreate(lockFile: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lockFile, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fileSystemError(err, 'cannot create the lock file', lockFile);
  }
  try {
    const bytes = Buffer.from(JSON.stringify(owner));
    let offset = 0;
    while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset);
    fs.closeSync(fd);
    return true;
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(lockFile, { force: true });
    throw fileSystemError(err, 'cannot write the lock file', lockFile);
  }
}

function lockHandle(lockFile: string): HomeLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    const current = readOwner(lockFile);
    if (current?.pid === process.pid && current.host === os.hostname())
      fs.rmSync(lockFile, { force: true });
  };
  process.on('exit', release);
  return { release };
}

/** Read the lock slot without touching it (doctor shows this). */
export function inspectLock(lockFile: string, now = Date.now()): LockState {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(lockFile);
  } catch {
    return { state: 'free' };
  }
  const owner = readOwner(lockFile);
  if (!owner) {
    if (!fs.existsSync(lockFile)) return { state: 'free' };
    return { state: 'unreadable', ageMs: Math.max(0, now - stat.mtimeMs), bytes: stat.size };
  }
  return isDead(owner) ? { state: 'dead-owner', owner } : { state: 'held', owner };
}

function readOwner(lockFile: string): LockOwner | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as Partial<LockOwner>;
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      Number.isInteger(parsed.pid) &&
      typeof parsed.host === 'string' &&
      typeof parsed.command === 'string' &&
      typeof parsed.started_at === 'string'
    ) {
      return parsed as LockOwner;
    }
    return null;
  } catch {
    // Missing (released meanwhile), half-written by a process starting now, or garbage.
    return null;
  }
}

function isDead(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Remove a lock seen in state `seen` (dead owner, or unreadable), unless it
 * changed meanwhile. Renamed first, so two processes cannot both delete a
 * lock that a third has just taken; a fresh lock moved by mistake is put back.
 */
export function clearLock(lockFile: string, seen: LockState): boolean {
  const claimed = `${lockFile}.stale-${process.pid}`;
  try {
    fs.renameSync(lockFile, claimed);
  } catch {
    return false;
  }
  const moved = readOwner(claimed);
  const same =
    seen.state === 'dead-owner'
      ? moved?.pid === seen.owner.pid && moved.host === seen.owner.host
      : seen.state === 'unreadable' && moved === null;
  if (!same) {
    try {
      fs.linkSync(claimed, lockFile);
    } catch {
      /* the slot was taken again; that owner wins */
    }
  }
  fs.rmSync(claimed, { force: true });
  return same;
}
