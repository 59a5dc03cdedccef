import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Context } from '../context.ts';
import { UsageError, type ExitCodeValue } from '../errors.ts';
import { homePaths } from '../home.ts';
import { MAX_WAIT_SECONDS } from '../lock.ts';
import { createLogger, type LogLevel } from '../log.ts';
import {
  detectTerminal,
  progressFactory,
  writeErr,
  writeJson,
  writeOut,
  withPaint,
  type Terminal,
} from './io.ts';

export interface GlobalOptions {
  home?: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  config?: string;
  wait?: string;
  /** False with --no-color. */
  color?: boolean;
  /** Tables are not fitted to the terminal's width. */
  wide?: boolean;
}

/** What a command's action gets: its context, the terminal, and how to print. */
export interface Invocation {
  ctx: Context;
  json: boolean;
  terminal: Terminal;
  /** Print data: the JSON document with --json, else the human rendering. */
  emit(json: unknown, human: () => string): void;
}

export type Action<A extends unknown[]> = (inv: Invocation, ...args: A) => Promise<ExitCodeValue>;

/** The exit code of the action that ran; commander's own errors are handled in main. */
export const lastExit = { code: 0 as ExitCodeValue };

/** Wrap an action: build the context from the global options, run, record the exit code. */
export function action<A extends unknown[]>(run: Action<A>) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const inv = await invocationFor(command.optsWithGlobals() as GlobalOptions);
    lastExit.code = await run(inv, ...(args.slice(0, -1) as A));
  };
}

export async function invocationFor(
  options: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Invocation> {
  const detected = await withPaint(detectTerminal(env, { color: options.color }));
  const terminal = options.wide ? { ...detected, columns: undefined } : detected;
  if (options.quiet && options.verbose)
    throw new UsageError('--quiet and --verbose contradict each other');
  const level: LogLevel = options.quiet ? 'quiet' : options.verbose ? 'verbose' : 'normal';
  const log = createLogger({
    level,
    color: terminal.color,
    interactive: terminal.stderrIsTTY,
    write: writeErr,
  });
  const homeDir = path.resolve(options.home ?? env.MLX_HOME ?? process.cwd());
  if (fs.existsSync(homeDir) && !fs.statSync(homeDir).isDirectory()) {
    throw new UsageError(`--home ${homeDir} is not a folder`);
  }
  const home = homePaths(homeDir, options.config);
  // Loaded here, not at the top: `mlx --help` and a usage error need no config (nor zod).
  const { readConfig } = await import('../config.ts');
  const config = readConfig(home.config, options.config !== undefined);
  const lockWaitSeconds =
    options.wait === undefined
      ? 0
      : /^\d{1,7}(\.\d+)?$/.test(options.wait)
        ? Number(options.wait)
        : NaN;
  if (!Number.isFinite(lockWaitSeconds) || lockWaitSeconds > MAX_WAIT_SECONDS) {
    throw new UsageError(
      `--wait expects a number of seconds from 0 to ${MAX_WAIT_SECONDS} (a day; e.g. 600), got "${options.wait?.slice(0, 40)}"`,
    );
  }
  const json = options.json ?? false;
  const ctx: Context = {
    home,
    config,
    log,
    now: () => new Date(),
    lockWaitSeconds,
    progress: progressFactory(terminal.stderrIsTTY && level !== 'quiet'),
  };
  return {
    ctx,
    json,
    terminal,
    emit(value, human) {
      if (json) writeJson(value, terminal);
      else writeOut(human());
    },
  };
}
