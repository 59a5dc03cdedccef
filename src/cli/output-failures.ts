import fs from 'node:fs';
import { fileSystemError, type ExitCodeValue } from '../errors.ts';

/**
 * stdout and stderr that fail (a log file on a failing disk, `>> cron.log`
 * on a full one): the work goes on and its exit code stands, what was lost is
 * said once at the end, and the process always ends. A reader that stops
 * early (EPIPE, `| head`) is no failure: it asked for no more.
 */
type Stream = 'stdout' | 'stderr';
const FD: Record<Stream, number> = { stdout: 1, stderr: 2 };
const failures = new Map<Stream, NodeJS.ErrnoException>();

/** The 'error' handler of process.stdout and process.stderr. */
export function noteOutputError(stream: Stream, err: NodeJS.ErrnoException): void {
  if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
  if (!failures.has(stream)) failures.set(stream, err);
}

/** Errors of fsync that say "nothing to sync here" (a pipe, a terminal, /dev/null). */
const NOT_SYNCABLE = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EBADF', 'EROFS']);

/**
 * At the end of a run: sync stdout and stderr when they are files (a write
 * the disk failed to keep shows there), say what failed on whichever still
 * works, and put /dev/null in place of a failed one, so nothing that flushes
 * them as the process exits (a native library's exit handler) can block on
 * it. Returns the work's exit code.
 */
export function settleOutput(exitCode: ExitCodeValue): ExitCodeValue {
  for (const stream of ['stdout', 'stderr'] as const) {
    try {
      if (fs.fstatSync(FD[stream]).isFile()) fs.fsyncSync(FD[stream]);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (!NOT_SYNCABLE.has(code)) noteOutputError(stream, err as NodeJS.ErrnoException);
    }
  }
  if (failures.size === 0) return exitCode;
  const lines = [...failures].map(([stream, err]) => {
    const described = fileSystemError(err, `cannot write ${stream}`);
    return `error: ${described.message}: what mlx printed there may be lost`;
  });
  lines.push(
    `  the work itself ended with exit ${exitCode}; ${exitCode === 0 ? 'it was done' : 'see the error above'} (mlx doctor checks the home)`,
  );
  // A stream whose sync failed may still take a write: stderr first, then stdout.
  for (const fd of [2, 1]) {
    try {
      fs.writeSync(fd, `${lines.join('\n')}\n`);
      break;
    } catch {
      // Try the other; with neither, the exit code still tells how the work went.
    }
  }
  for (const stream of failures.keys()) replaceWithNull(FD[stream]);
  return exitCode;
}

/** Close `fd` and open /dev/null, which takes the lowest free descriptor: `fd` itself. */
function replaceWithNull(fd: number): void {
  try {
    fs.closeSync(fd);
    const opened = fs.openSync('/dev/null', 'w');
    if (opened !== fd) fs.closeSync(opened);
  } catch {
    // Closed is enough for mlx; a library that flushes it gets EBADF, not a stuck disk.
  }
}
