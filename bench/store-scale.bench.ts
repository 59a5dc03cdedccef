import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fetchData } from '../src/commands/data-fetch.ts';
import { defaultConfig } from '../src/config.ts';
import { noProgress, type Context } from '../src/context.ts';
import { homePaths } from '../src/home.ts';
import { createMemoryLogger } from '../src/log.ts';
import { rssNote, runMlxMeasured } from './child.ts';
import type { BenchReporter } from './report.ts';

/**
 * data ls and data show on a store of 1.6 million bars (320 synthetic symbols,
 * 2001–2021): they read the per-symbol summaries kept with the bars, so the
 * size of the store does not matter.
 */
export async function bench(report: BenchReporter): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-bench-scale-'));
  const ctx: Context = {
    home: homePaths(home),
    config: defaultConfig(),
    log: createMemoryLogger('quiet'),
    now: () => new Date('2021-04-21T22:00:00Z'),
    lockWaitSeconds: 0,
    progress: noProgress,
  };
  let started = performance.now();
  const fetched = await fetchData(ctx, {
    symbols: [],
    source: 'synthetic',
    count: 320,
    seed: 1,
    from: '2001-01-02',
    to: '2021-04-20',
  });
  const bars = fetched.symbols.reduce((sum, s) => sum + s.inserted, 0);
  report.figure(
    `build a store of ${bars.toLocaleString('en')} bars (320 synthetic symbols, 2001–2021)`,
    (performance.now() - started) / 1000,
    's',
  );
  for (const args of [
    ['data', 'ls', '--json'],
    ['data', 'show', 'SYN007', '--json'],
  ]) {
    started = performance.now();
    const runs = [0, 1, 2].map(() => runMlxMeasured(home, args));
    const median = (pick: (r: (typeof runs)[number]) => number) =>
      runs.map(pick).sort((a, b) => a - b)[1];
    report.figure(
      `mlx ${args.join(' ')} on ${bars.toLocaleString('en')} bars (wall, median of 3)`,
      median((r) => r.seconds),
      's',
      'goal < 2 s',
    );
    if (runs[0].rssMb !== null)
      report.figure(
        `  peak RSS`,
        median((r) => r.rssMb as number),
        'MB',
        'goal < 300 MB',
      );
    else report.note(`  ${rssNote}`);
  }
  fs.rmSync(home, { recursive: true, force: true });
}
