import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from '../context.ts';
import { DataError } from '../errors.ts';
import { assertHomeExists } from '../session.ts';

/** The loop's schedule (DESIGN.md), in the machine's local time as cron reads it. */
const SCHEDULE = [
  { when: '0 2 1 * *', args: ['train'], why: 'monthly: retrain on everything stored' },
  {
    when: '30 22 * * 1-5',
    args: ['predict'],
    why: 'after the US close (16:00 New York is 22:00 in Central Europe): predict',
  },
  { when: '0 10 * * 6', args: ['verify', '--since', '7d'], why: 'weekly: score what is due' },
];

export interface CronEntry {
  schedule: string;
  command: string;
  /** The crontab line: schedule and command. */
  line: string;
  why: string;
}

export interface CronLines {
  node: string;
  mlx: string;
  home: string;
  log: string | null;
  entries: CronEntry[];
  /** Ready for `crontab`: comments and the lines. */
  crontab: string;
}

/** This mlx's own launcher: bin/mlx.js beside dist/ (or src/ when run from source). */
export function mlxScript(): string {
  const script = fileURLToPath(new URL('../../bin/mlx.js', import.meta.url));
  if (!fs.existsSync(script))
    throw new DataError(`cannot find mlx's launcher (looked for ${script})`);
  return script;
}

/**
 * A word for /bin/sh inside a crontab (pure): single-quoted unless plainly
 * safe, and with `%` escaped, which cron would otherwise turn into a newline.
 */
export function cronWord(word: string): string {
  const quoted = /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
  return quoted.replace(/%/g, '\\%');
}

/** Crontab lines for the loop with absolute paths: cron's PATH knows neither node nor mlx (pure). */
export function cronLines(paths: {
  node: string;
  mlx: string;
  home: string;
  log: string | null;
}): CronLines {
  const entries = SCHEDULE.map(({ when, args, why }) => {
    const command = [
      ...[paths.node, paths.mlx, '--home', paths.home, ...args, '--wait', '3600'].map(cronWord),
      ...(paths.log ? ['>>', cronWord(paths.log), '2>&1'] : []),
    ].join(' ');
    return { schedule: when, command, line: `${when.padEnd(14)}${command}`, why };
  });
  const crontab = [
    `# mlx for the home ${paths.home} (printed by mlx cron; times are this machine's local time)`,
    ...entries.flatMap((e) => [`# ${e.why}`, e.line]),
  ].join('\n');
  return { ...paths, entries, crontab: `${crontab}\n` };
}

/** `mlx cron`: the lines for this home, this node and this mlx. Writes nothing. */
export function cron(ctx: Context, options: { log?: string | false }): CronLines {
  assertHomeExists(ctx);
  const log =
    options.log === false
      ? null
      : path.resolve(ctx.home.root, options.log ?? path.join(ctx.home.root, 'cron.log'));
  return cronLines({ node: process.execPath, mlx: mlxScript(), home: ctx.home.root, log });
}
