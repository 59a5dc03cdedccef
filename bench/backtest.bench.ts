import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backtest } from '../src/commands/backtest.ts';
import { importFiles } from '../src/commands/data-import.ts';
import { defaultConfig } from '../src/config.ts';
import { noProgress, type Context } from '../src/context.ts';
import { homePaths } from '../src/home.ts';
import { createMemoryLogger } from '../src/log.ts';
import { sp500Dir } from '../test/helpers/shared-data.ts';
import type { BenchReporter } from './report.ts';

/**
 * `mlx backtest --from 2018-01-01 --to 2020-12-31 --compare` on the 55 real
 * symbols: 36 monthly retrains (features computed once, LSTM warm-started),
 * 756 sessions predicted and verified weekly in two arms. Long: ~15–20 minutes.
 */
export async function bench(report: BenchReporter): Promise<void> {
  const dir = sp500Dir();
  if (!dir) {
    report.note('skipped: ../shared/data/sp500 is absent');
    return;
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-bench-backtest-'));
  const ctx: Context = {
    home: homePaths(home),
    config: defaultConfig(),
    log: createMemoryLogger('quiet'),
    now: () => new Date(),
    lockWaitSeconds: 0,
    progress: noProgress,
  };
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => path.join(dir, f));
  await importFiles(ctx, { files, onBadRow: 'fail' });
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
    'goal ≤ 1,200 s, stretch ≤ 600 s (2 cores)',
  );
  for (const line of result.verdict ?? []) report.note(line);
  fs.rmSync(home, { recursive: true, force: true });
}
