import fs from 'node:fs';

/**
 * Who a process is, beyond its pid, which the kernel hands out again: the
 * machine's boot id and the process's start time in clock ticks since boot
 * (Linux /proc). Elsewhere both are null and only the pid is checked.
 */
export interface ProcessIdentity {
  boot_id: string | null;
  start_ticks: number | null;
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export function bootId(): string | null {
  return readText('/proc/sys/kernel/random/boot_id')?.trim() || null;
}

/** Field 22 of /proc/PID/stat: when the process started, in ticks since boot. */
export function startTicks(pid: number): number | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return null;
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  return Number.isFinite(ticks) ? ticks : null;
}

/** When the machine booted (ms since the epoch), from /proc/stat. */
export function bootTimeMs(): number | null {
  const match = /^btime (\d+)$/m.exec(readText('/proc/stat') ?? '');
  return match ? Number(match[1]) * 1000 : null;
}

/** Clock ticks per second: 100 on every Linux mlx runs on (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** When process `pid` started (ms since the epoch), or null where /proc cannot say. */
export function processStartMs(pid: number): number | null {
  const ticks = startTicks(pid);
  const boot = bootTimeMs();
  return ticks === null || boot === null ? null : boot + (ticks / TICKS_PER_SECOND) * 1000;
}

export function selfIdentity(): ProcessIdentity {
  return { boot_id: bootId(), start_ticks: startTicks(process.pid) };
}

export type Liveness = { alive: true } | { alive: false; why: string };

/**
 * Whether the process a lock names on this host is still the one that took
 * it: its pid runs, the machine has not restarted since, and the process
 * running under that pid started when the owner did (not a later process
 * that was given the same pid).
 */
export function ownerLiveness(owner: {
  pid: number;
  started_at: string;
  boot_id?: string | null;
  start_ticks?: number | null;
}): Liveness {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: a process of another user runs under that pid; it is checked below.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH')
      return { alive: false, why: `pid ${owner.pid} no longer runs` };
  }
  const boot = bootId();
  if (owner.boot_id && boot && owner.boot_id !== boot)
    return { alive: false, why: 'the machine has restarted since the lock was taken' };
  const ticks = startTicks(owner.pid);
  if (owner.start_ticks != null && ticks !== null && owner.start_ticks !== ticks)
    return { alive: false, why: `pid ${owner.pid} is now another process (the pid was reused)` };
  if (owner.start_ticks == null) {
    // A lock from before mlx recorded start times: judge by its clock.
    const taken = Date.parse(owner.started_at);
    const booted = bootTimeMs();
    if (booted !== null && Number.isFinite(taken) && taken < booted)
      return { alive: false, why: 'it was taken before the machine last started' };
    const started = processStartMs(owner.pid);
    if (started !== null && Number.isFinite(taken) && started > taken + 5_000)
      return {
        alive: false,
        why: `pid ${owner.pid} is now a process that started after the lock was taken (the pid was reused)`,
      };
  }
  return { alive: true };
}
