import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LockedError } from './errors.ts';

interface LockOwner {
  pid: number;
  host: string;
  command: string;
  started_at: string;
}

export interface HomeLock {
  release(): void;
}

export interface LockOptions {
  command: string;
  /** Seconds to wait for another process to finish before giving up with exit 4. */
  waitSeconds?: number;
  now?: () => Date;
}

/**
 * Take the home's write lock: a file created with O_EXCL holding the owner's
 * pid. A lock left by a dead process on this host (SIGKILL, power loss) is
 * taken over; a live owner means exit 4 after `waitSeconds`.
 */
export async function acquireLock(lockFile: string, options: LockOptions): Promise<HomeLock> {
  const deadline = Date.now() + (options.waitSeconds ?? 0) * 1000;
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const owner: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    command: options.command,
    started_at: (options.now?.() ?? new Date()).toISOString(),
  };
  for (;;) {
    try {
      fs.writeFileSync(lockFile, JSON.stringify(owner), { flag: 'wx' });
      return lockHandle(lockFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const current = readOwner(lockFile);
    if (current && isStale(current)) {
      removeIfOwnedBy(lockFile, current);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = current
        ? `pid ${current.pid}, \`mlx ${current.command}\`, started ${current.started_at}`
        : 'a process that is just starting';
      throw new LockedError(
        `another mlx process holds the lock on ${path.dirname(lockFile)} (${who})`,
        'wait for it to finish, or rerun with --wait SECONDS; if no mlx is running, delete ' +
          lockFile,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function lockHandle(lockFile: string): HomeLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    const current = readOwner(lockFile);
    if (current?.pid === process.pid) fs.rmSync(lockFile, { force: true });
  };
  process.on('exit', release);
  return { release };
}

function readOwner(lockFile: string): LockOwner | null {
  try {
    return JSON.parse(fs.readFileSync(lockFile, 'utf8')) as LockOwner;
  } catch {
    // Missing (released meanwhile) or half-written by a process starting now.
    return null;
  }
}

function isStale(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function removeIfOwnedBy(lockFile: string, owner: LockOwner): void {
  // Rename first so two processes cannot both delete a lock the other just took.
  const claimed = `${lockFile}.stale-${process.pid}`;
  try {
    fs.renameSync(lockFile, claimed);
  } catch {
    return;
  }
  const moved = readOwner(claimed);
  if (moved && moved.pid !== owner.pid) {
    // We moved a fresh lock by mistake: put it back if the slot is still free.
    try {
      fs.linkSync(claimed, lockFile);
    } catch {
      /* the slot was taken again; that owner wins */
    }
  }
  fs.rmSync(claimed, { force: true });
}
