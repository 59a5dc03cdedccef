import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { MLX_BIN } from '../test/helpers/cli.ts';

const TIME = '/usr/bin/time';

/** Whether peak RSS can be measured here (GNU time is installed). */
export const canMeasureRss = fs.existsSync(TIME);
export const rssNote = `peak RSS not measured: ${TIME} is absent`;

export interface MlxRun {
  seconds: number;
  /** Peak resident set size of the mlx process, MB; null without /usr/bin/time. */
  rssMb: number | null;
  stdout: string;
}

/** `mlx ARGS` on a home as a user runs it (the built bin/mlx.js in its own process): wall and peak RSS. */
export function runMlxMeasured(home: string, args: string[]): MlxRun {
  const command = [MLX_BIN, '--home', home, ...args];
  const started = performance.now();
  const run = canMeasureRss
    ? spawnSync(TIME, ['-f', '%M', process.execPath, ...command], {
        encoding: 'utf8',
        maxBuffer: 64 * 2 ** 20,
      })
    : spawnSync(process.execPath, command, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`mlx ${args.join(' ')} failed: ${run.stderr}`);
  const kb = canMeasureRss ? Number(run.stderr.trim().split('\n').at(-1)) : NaN;
  return { seconds, rssMb: Number.isFinite(kb) ? kb / 1024 : null, stdout: run.stdout };
}
