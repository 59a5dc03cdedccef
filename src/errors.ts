/** Exit codes fixed by DESIGN.md. */
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
