import { CommanderError } from 'commander';
import { ExitCode, MlxError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { detectTerminal } from './io.ts';
import { buildProgram } from './program.ts';
import { lastExit } from './runtime.ts';

/**
 * The one place errors become exit codes (DESIGN.md): typed mlx errors carry
 * theirs, commander's usage errors are 2, anything unexpected is 1.
 */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  lastExit.code = ExitCode.ok;
  try {
    await program.parseAsync(argv);
    return lastExit.code;
  } catch (err) {
    return reportError(err, argv.includes('--verbose') || argv.includes('-v'));
  }
}

function reportError(err: unknown, verbose: boolean): number {
  if (err instanceof CommanderError) {
    // commander has already printed its message (or the help/version asked for).
    const informational = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
    return informational.includes(err.code) ? ExitCode.ok : ExitCode.usage;
  }
  const log = createLogger({ level: 'normal', color: detectTerminal().color, interactive: false });
  if (err instanceof MlxError) {
    log.error(err.message);
    if (err.hint) log.info(`  ${err.hint}`);
    if (verbose && err.stack) log.info(err.stack);
    return err.exitCode;
  }
  const error = err instanceof Error ? err : new Error(String(err));
  log.error(`unexpected failure: ${error.message}`);
  log.info(verbose && error.stack ? error.stack : '  (rerun with --verbose for the stack trace)');
  return ExitCode.failure;
}
