import { CommanderError } from 'commander';
import {
  ExitCode,
  MlxError,
  fileSystemError,
  isSystemError,
  type ExitCodeValue,
} from '../errors.ts';
import { createLogger } from '../log.ts';
import {
  detectTerminal,
  jsonWritten,
  resetJsonWritten,
  stderrLine,
  writeErr,
  writeJson,
} from './io.ts';
import { buildProgram } from './program.ts';
import { lastExit } from './runtime.ts';

/**
 * The one place errors become exit codes (README, "Exit codes"): typed mlx errors carry
 * theirs, commander's usage errors are 2, anything unexpected is 1. With
 * --json, a failure is also one JSON document on stdout:
 * {"error": {"message", "exit_code", "hint"}}.
 */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram(argv);
  lastExit.code = ExitCode.ok;
  resetJsonWritten();
  try {
    await program.parseAsync(argv);
    return lastExit.code;
  } catch (err) {
    return reportError(err, {
      verbose: flagGiven(argv, '--verbose') || flagGiven(argv, '-v'),
      json: flagGiven(argv, '--json'),
      color: !flagGiven(argv, '--no-color'),
    });
  }
}

/** Whether a flag appears before a `--` that ends the options. */
function flagGiven(argv: readonly string[], flag: string): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes(flag);
}

function reportError(
  err: unknown,
  options: { verbose: boolean; json: boolean; color: boolean },
): number {
  // A progress bar left up by the failed command is wiped, not written after.
  stderrLine.clear();
  const failure = describeFailure(err);
  if (!failure) return ExitCode.ok;
  if (!failure.printed) {
    const log = createLogger({
      level: 'normal',
      color: detectTerminal(process.env, { color: options.color }).color,
      interactive: false,
      write: writeErr,
    });
    log.error(failure.message);
    if (failure.hint) log.info(`  ${failure.hint}`);
    if (options.verbose && err instanceof Error && err.stack) log.info(err.stack);
    else if (failure.unexpected) log.info('  (rerun with --verbose for the stack trace)');
  }
  // Exactly one document: a command that already printed its own keeps it.
  if (options.json && !jsonWritten()) {
    writeJson(
      {
        error: {
          message: failure.message,
          exit_code: failure.exitCode,
          hint: failure.hint ?? null,
        },
      },
      detectTerminal(),
    );
  }
  return failure.exitCode;
}

interface Failure {
  message: string;
  hint?: string;
  exitCode: ExitCodeValue;
  /** commander has printed its own message already. */
  printed?: boolean;
  unexpected?: boolean;
}

/** What went wrong, in words a person can act on; null for help and version output. */
export function describeFailure(err: unknown): Failure | null {
  if (err instanceof CommanderError) {
    const informational = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
    if (informational.includes(err.code)) return null;
    return {
      message: err.message.replace(/^error: /, ''),
      hint: 'run with --help for usage',
      exitCode: ExitCode.usage,
      printed: true,
    };
  }
  if (err instanceof MlxError)
    return { message: err.message, hint: err.hint, exitCode: err.exitCode };
  if (isSystemError(err) && err.code.startsWith('SQLITE_')) return sqliteFailure(err.code, err);
  if (isSystemError(err) && (err as NodeJS.ErrnoException).syscall) {
    const syscall = (err as NodeJS.ErrnoException).syscall as string;
    const mapped = fileSystemError(err, SYSCALL_ACTIONS[syscall] ?? `cannot ${syscall}`);
    return { message: mapped.message, hint: mapped.hint, exitCode: mapped.exitCode };
  }
  const error = err instanceof Error ? err : new Error(String(err));
  return {
    message: `unexpected failure: ${error.message}`,
    exitCode: ExitCode.failure,
    unexpected: true,
  };
}

const SYSCALL_ACTIONS: Record<string, string> = {
  open: 'cannot open',
  read: 'cannot read',
  write: 'cannot write',
  mkdir: 'cannot create the folder',
  rename: 'cannot replace',
  unlink: 'cannot remove',
  scandir: 'cannot list',
  stat: 'cannot read',
  lstat: 'cannot read',
  copyfile: 'cannot copy',
};

function sqliteFailure(code: string, err: Error): Failure {
  const where = 'the price store (data/mlx.db in the home)';
  if (code === 'SQLITE_FULL')
    return {
      message: `cannot write ${where}: the disk is full (${code})`,
      hint: 'free some space (df -h shows where) and rerun; the store rolled back to its last complete state',
      exitCode: ExitCode.failure,
    };
  if (['SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PERM', 'SQLITE_AUTH'].includes(code))
    return {
      message: `cannot open or write ${where}: ${err.message} (${code})`,
      hint: 'check the permissions of the home and of data/ (ls -l), or choose another --home',
      exitCode: ExitCode.usage,
    };
  if (['SQLITE_CORRUPT', 'SQLITE_NOTADB'].includes(code))
    return {
      message: `${where} is damaged: ${err.message} (${code})`,
      hint: 'run mlx doctor; restore data/mlx.db from a backup, or move it aside and import or fetch the data again (the ledgers rebuild the rest: mlx doctor --reindex)',
      exitCode: ExitCode.failure,
    };
  return {
    message: `${where}: ${err.message} (${code})`,
    hint: 'run mlx doctor',
    exitCode: ExitCode.failure,
  };
}
