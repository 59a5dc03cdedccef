import fs from 'node:fs';
import { backtest } from '../src/commands/backtest.ts';
import { sp500Context } from './home.ts';
import type { BenchReporter } from './report.ts';

/**
 * `mlx backtest --from 2018-01-01 --to 2020-12-31 --compare` on the 55 real
 * symbols: 36 monthly retrains (features computed once, LSTM warm-started),
 * 756 sessions predicted and verified weekly in two arms. About 6 minutes on 2 cores.
 */
export async function bench(report: BenchReporter): Promise<void> {
  const ctx = await sp500Context('backtest', report);
  if (!ctx) return;
  const started = performance.now();
  const result = await backtest(ctx, {
    from: '2018-01-01',
    to: '2020-12-31',
    retrain: 'monthly',
    verifyEvery: 'weekly',
    adapt: true,
    compare: true,
  });
  report.figure(
    `mlx backtest 2018-01 → 2020-12 --compare, 55 symbols, ${result.retrains.length} retrains, ${result.sessions} sessions`,
    (performance.now() - started) / 1000,
    's',
    'goal ≤ 360 s (2 cores)',
  );
  for (const line of result.verdict ?? []) report.note(line);
  fs.rmSync(ctx.home.root, { recursive: true, force: true });
}
