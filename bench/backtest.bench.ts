import fs from 'node:fs';
import { sp500Context } from './home.ts';
import { rssNote, runMlxMeasured } from './child.ts';
import type { BenchReporter } from './report.ts';

/**
 * `mlx backtest --from 2018-01-01 --to 2020-12-31 --compare` on the 55 real
 * symbols, as a user runs it (the built bin/mlx.js in its own process, as the
 * scale bench does): 36 monthly retrains (features computed once, LSTM
 * warm-started), 756 sessions predicted and verified weekly in two arms.
 * About 6 minutes on 2 cores.
 */
export async function bench(report: BenchReporter): Promise<void> {
  const ctx = await sp500Context('backtest', report);
  if (!ctx) return;
  const out = `${ctx.home.root}/replay`;
  const run = runMlxMeasured(ctx.home.root, [
    'backtest',
    '--from',
    '2018-01-01',
    '--to',
    '2020-12-31',
    '--compare',
    '--out',
    out,
    '--json',
  ]);
  const result = JSON.parse(run.stdout) as {
    retrains: string[];
    sessions: number;
    verdict?: string[];
  };
  report.figure(
    `mlx backtest 2018-01 → 2020-12 --compare, 55 symbols, ${result.retrains.length} retrains, ${result.sessions} sessions`,
    run.seconds,
    's',
    'goal ≤ 360 s (2 cores)',
  );
  if (run.rssMb !== null) report.figure('  peak RSS', run.rssMb, 'MiB');
  else report.note(rssNote);
  for (const line of result.verdict ?? []) report.note(line);
  fs.rmSync(ctx.home.root, { recursive: true, force: true });
}
