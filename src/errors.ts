/** The exit codes mlx promises (README, "Exit codes"). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  partial: 3,
  locked: 4,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Base of every error mlx expects; the top-level handler turns it into `exitCode`. */
export class MlxError extends Error {
  readonly exitCode: ExitCodeValue;
  /** What the user can do about it, printed after the message. */
  readonly hint?: string;

  constructor(message: string, exitCode: ExitCodeValue, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** Bad flags, arguments or configuration: exit 2. */
export class UsageError extends MlxError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

/** A config file that does not validate: exit 2. */
export class ConfigError extends MlxError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

/** Bad or missing data (a malformed CSV row, an unknown symbol, a corrupt file): exit 1. */
export class DataError extends MlxError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.failure, hint);
  }
}

/** A runtime dependency (libxgboost, a tfjs backend) is missing: exit 2, naming the fix. */
export class MissingDependencyError extends MlxError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

/** Another mlx process holds the home's lock: exit 4. */
export class LockedError extends MlxError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.locked, hint);
  }
}

/** A network call that failed after its retries: exit 1 unless other symbols succeeded. */
export class NetworkError extends MlxError {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean, hint?: string) {
    super(message, ExitCode.failure, hint);
    this.retryable = retryable;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What a failed file-system call means, in words a person can act on. */
const SYSTEM_ERRORS: Record<string, { what: string; hint: string; userFault: boolean }> = {
  ENOENT: { what: 'no such file or folder', hint: 'check the path', userFault: true },
  ENOTDIR: { what: 'a part of the path is not a folder', hint: 'check the path', userFault: true },
  EISDIR: { what: 'it is a folder, not a file', hint: 'name a file', userFault: true },
  EACCES: {
    what: 'permission denied',
    hint: 'check the permissions of the path (ls -l), or choose another --home',
    userFault: true,
  },
  EPERM: {
    what: 'operation not permitted',
    hint: 'check the permissions of the path (ls -l), or choose another --home',
    userFault: true,
  },
  EROFS: {
    what: 'the file system is read-only',
    hint: 'choose a writable --home',
    userFault: true,
  },
  ENOSPC: {
    what: 'no space left on the device',
    hint: 'free some space (df -h shows where) and rerun; nothing half-written was kept',
    userFault: false,
  },
  EDQUOT: {
    what: 'the disk quota is exhausted',
    hint: 'free some space and rerun; nothing half-written was kept',
    userFault: false,
  },
  EFBIG: {
    what: 'the file would exceed the size limit (ulimit -f)',
    hint: 'raise the limit or free space, and rerun; nothing half-written was kept',
    userFault: false,
  },
  EMFILE: {
    what: 'too many open files',
    hint: 'raise the limit (ulimit -n) and rerun',
    userFault: false,
  },
  EIO: {
    what: 'an input/output error from the device',
    hint: 'check the disk (dmesg), then rerun; mlx doctor checks the store and ledgers',
    userFault: false,
  },
};

/** A Node.js system error (fs, net) with its errno code. */
export function isSystemError(err: unknown): err is NodeJS.ErrnoException & { code: string } {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}

/**
 * Turn a file-system failure into an MlxError naming the path and what to do:
 * exit 2 where the path the user gave is at fault (missing, not permitted),
 * exit 1 where the machine is (disk full, I/O error). `action` says what mlx
 * was doing ("cannot write", "cannot read"); `file` overrides the error's own path.
 */
export function fileSystemError(err: unknown, action: string, file?: string): MlxError {
  if (err instanceof MlxError) return err;
  const code = isSystemError(err) ? err.code : '';
  const known = SYSTEM_ERRORS[code];
  const where = file ?? (isSystemError(err) ? err.path : undefined);
  if (!known) {
    return new DataError(`${action}${where ? ` ${where}` : ''}: ${errorMessage(err)}`);
  }
  const message = `${action}${where ? ` ${where}` : ''}: ${known.what} (${code})`;
  return known.userFault
    ? new UsageError(message, known.hint)
    : new MlxError(message, ExitCode.failure, known.hint);
}
