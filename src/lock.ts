import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataError, LockedError, fileSystemError } from './errors.ts';
import { ownerLiveness, selfIdentity } from './process-identity.ts';

export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  started_at: string;
  /** The machine's boot id and the process's start time: a reused pid is not the owner. */
  boot_id?: string | null;
  start_ticks?: number | null;
}

export interface HomeLock {
  release(): void;
}

/** An unreadable lock (empty, half-written, garbage) older than this is taken over. */
export const UNREADABLE_LOCK_TAKEOVER_MS = 60_000;

/** The longest --wait: a writer that has not finished in a day is stuck, not busy. */
export const MAX_WAIT_SECONDS = 86_400;

export interface LockOptions {
  command: string;
  /** Seconds to wait for another process to finish before giving up with exit 4. */
  waitSeconds?: number;
  now?: () => Date;
  /** Age after which an unreadable lock is taken over (default one minute). */
  unreadableTakeoverMs?: number;
  /** doctor --repair: move a symlink or folder at the lock path aside. */
  clearNonFile?: boolean;
  /** doctor --repair --break-lock: clear a lock taken on another host. */
  breakForeign?: boolean;
  /** Told once, when this process starts waiting, what it waits for. */
  onWait?: (message: string) => void;
}

/** What is in the lock slot now. */
export type LockState =
  | { state: 'free' }
  /** Owned by a live process on this host. */
  | { state: 'held'; owner: LockOwner }
  /** Taken on another host (a shared home), which cannot be checked from here. */
  | { state: 'foreign'; owner: LockOwner; ageMs: number }
  /** Left by a process on this host that no longer runs, or whose pid now names another. */
  | { state: 'dead-owner'; owner: LockOwner; why: string }
  /** Not a lock mlx can read: 0 bytes (a full disk) or garbage. */
  | { state: 'unreadable'; ageMs: number; bytes: number }
  /** Not a file at all: a symlink (dangling or not), a folder, a socket. */
  | { state: 'not-a-file'; what: string };

const describeOwner = (owner: LockOwner) =>
  `pid ${owner.pid} on ${owner.host}, \`mlx ${owner.command}\`, started ${owner.started_at}`;

export const formatAge = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return s < 120
    ? `${s} s`
    : s < 7200
      ? `${Math.round(s / 60)} min`
      : s < 172_800
        ? `${Math.round(s / 3600)} h`
        : `${Math.round(s / 86_400)} days`;
};

/**
 * Take the home's write lock: a file created with O_EXCL holding the owner
 * (host, pid, its start time and the machine's boot id, command). A lock
 * whose owner is gone — dead, or its pid now another process — is taken over
 * at once, an unreadable one once a minute old; a live owner, or one on
 * another host, means exit 4 after `waitSeconds` (at most a day). A lock path
 * that is no file is an error at once, never a loop. A lock this process
 * fails to write (disk full) is removed, never left behind.
 */
export async function acquireLock(lockFile: string, options: LockOptions): Promise<HomeLock> {
  const waitSeconds = Math.min(options.waitSeconds ?? 0, MAX_WAIT_SECONDS);
  const deadline = Date.now() + waitSeconds * 1000;
  const takeoverMs = options.unreadableTakeoverMs ?? UNREADABLE_LOCK_TAKEOVER_MS;
  const owner: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    command: options.command,
    started_at: (options.now?.() ?? new Date()).toISOString(),
    ...selfIdentity(),
  };
  let told = false;
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(lockFile, owner)) return lockHandle(lockFile);
    const current = inspectLock(lockFile);
    if (current.state === 'not-a-file') {
      if (options.clearNonFile && moveAside(lockFile)) continue;
      throw new DataError(
        `the lock path ${lockFile} is ${current.what}, not a lock file mlx wrote`,
        'mlx doctor --repair moves it aside (nothing is deleted); or remove it yourself',
      );
    }
    if (
      current.state === 'dead-owner' ||
      (current.state === 'unreadable' && current.ageMs >= takeoverMs) ||
      (current.state === 'foreign' && options.breakForeign)
    ) {
      clearLock(lockFile, current);
      continue;
    }
    // Released between our attempt and our look: try again, a bounded number of times.
    if (current.state === 'free' && attempt < 100) continue;
    const who =
      current.state === 'held'
        ? describeOwner(current.owner)
        : current.state === 'foreign'
          ? `${describeOwner(current.owner)}, ${formatAge(current.ageMs)} old; another host's process cannot be checked from here`
          : current.state === 'unreadable'
            ? `an unreadable lock file, ${Math.round(current.ageMs / 1000)} s old: a process just starting, ` +
              `or one that could not write it; it is taken over once a minute old`
            : 'a lock that keeps changing';
    if (Date.now() >= deadline) {
      throw new LockedError(
        `another mlx process holds the lock on ${path.dirname(lockFile)} (${who})`,
        current.state === 'foreign'
          ? `if no mlx runs on ${current.owner.host} any more, clear it: mlx doctor --repair --break-lock`
          : 'wait for it to finish, or rerun with --wait SECONDS; mlx doctor shows the lock, and if no mlx is running, mlx doctor --repair clears it',
      );
    }
    if (!told) {
      told = true;
      options.onWait?.(
        `waiting up to ${Math.ceil((deadline - Date.now()) / 1000)} s for the lock on ${path.dirname(lockFile)} (${who})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Create the lock file with O_EXCL and write the owner; false when something is there. */
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
    stat = fs.lstatSync(lockFile);
  } catch {
    return { state: 'free' };
  }
  if (stat.isSymbolicLink()) {
    const target = fs.existsSync(lockFile) ? '' : ' (dangling)';
    return {
      state: 'not-a-file',
      what: `a symbolic link${target} to ${fs.readlinkSync(lockFile)}`,
    };
  }
  if (stat.isDirectory()) return { state: 'not-a-file', what: 'a folder' };
  if (!stat.isFile()) return { state: 'not-a-file', what: 'neither a file nor a folder' };
  const owner = readOwner(lockFile);
  if (!owner) {
    if (!fs.existsSync(lockFile)) return { state: 'free' };
    return { state: 'unreadable', ageMs: Math.max(0, now - stat.mtimeMs), bytes: stat.size };
  }
  if (owner.host !== os.hostname()) {
    const taken = Date.parse(owner.started_at);
    const ageMs = Math.max(0, now - (Number.isFinite(taken) ? taken : stat.mtimeMs));
    return { state: 'foreign', owner, ageMs };
  }
  const liveness = ownerLiveness(owner);
  return liveness.alive
    ? { state: 'held', owner }
    : { state: 'dead-owner', owner, why: liveness.why };
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

/** Move what is at the lock path aside (a symlink itself, not its target), never deleting it. */
function moveAside(lockFile: string): boolean {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  try {
    fs.renameSync(lockFile, `${lockFile}.aside-${stamp}-${process.pid}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Remove a lock seen in state `seen` (gone owner, unreadable, or another
 * host's that the user said to break), unless it changed meanwhile. Renamed
 * first, so two processes cannot both delete a lock that a third has just
 * taken; a fresh lock moved by mistake is put back.
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
    seen.state === 'dead-owner' || seen.state === 'foreign'
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
