import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../context.ts';
import { DataError } from '../errors.ts';
import { assertHomeExists } from '../home-access.ts';
import { ownFile } from '../own-files.ts';
import { clock, localCloseRange, MARGIN_MINUTES, weekdaysField } from '../calendar/cron-time.ts';

/**
 * The loop's schedule in the machine's local time, as cron reads it: predict
 * at the latest local time of the US close plus the margin over the year, on
 * the local days that follow New York's Monday to Friday.
 */
export function schedule(timeZone: string, year: number) {
  const { earliest, latest } = localCloseRange(timeZone, year);
  const days = weekdaysField(latest.dayShift);
  const close = `16:${String(MARGIN_MINUTES).padStart(2, '0')} New York`;
  const here =
    clock(earliest) === clock(latest) && earliest.dayShift === latest.dayShift
      ? `is ${clock(latest)} here (${timeZone})`
      : `is ${clock(latest)} here (${timeZone}), or ${clock(earliest)} while only one of the two clocks is on summer time: the later, so it always follows the close`;
  return [
    { when: '0 2 1 * *', args: ['train'], why: 'monthly: retrain on everything stored' },
    {
      when: `${latest.minute} ${latest.hour} * * ${days.field}`,
      args: ['predict'],
      why: `after the US close, ${days.names}: ${close} (16:00 and ${MARGIN_MINUTES} minutes) ${here}`,
    },
    { when: '0 10 * * 6', args: ['verify', '--since', '7d'], why: 'weekly: score what is due' },
  ];
}

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
  /** The machine's time zone, which the schedule is in. */
  time_zone: string;
  entries: CronEntry[];
  /** Ready for `crontab`: comments and the lines. */
  crontab: string;
}

/** This mlx's own launcher: bin/mlx.js in its package. */
export function mlxScript(): string {
  const script = ownFile('bin', 'mlx.js');
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
export function cronLines(
  paths: {
    node: string;
    mlx: string;
    home: string;
    log: string | null;
  },
  clockOf: { timeZone: string; year: number },
): CronLines {
  const entries = schedule(clockOf.timeZone, clockOf.year).map(({ when, args, why }) => {
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
  return { ...paths, time_zone: clockOf.timeZone, entries, crontab: `${crontab}\n` };
}

/** `mlx cron`: the lines for this home, this node and this mlx. Writes nothing. */
export function cron(ctx: Context, options: { log?: string | false }): CronLines {
  assertHomeExists(ctx);
  const log =
    options.log === false
      ? null
      : path.resolve(ctx.home.root, options.log ?? path.join(ctx.home.root, 'cron.log'));
  return cronLines(
    { node: process.execPath, mlx: mlxScript(), home: ctx.home.root, log },
    {
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      year: ctx.now().getUTCFullYear(),
    },
  );
}

/** Whether a `crontab` program is on the PATH (a fresh Debian has none until `cron` is installed). */
export function crontabInstalled(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        fs.accessSync(path.join(dir, 'crontab'), fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}
