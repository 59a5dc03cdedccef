import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importFiles } from '../src/commands/data-import.ts';
import { train } from '../src/commands/train.ts';
import { defaultConfig } from '../src/config.ts';
import { noProgress, type Context } from '../src/context.ts';
import { homePaths } from '../src/home.ts';
import { createMemoryLogger } from '../src/log.ts';
import { sp500Dir } from '../test/helpers/shared-data.ts';
import type { BenchReporter } from './report.ts';

/** The default train on the 55 real symbols, walk-forward included (several minutes). */
export async function bench(report: BenchReporter): Promise<void> {
  const dir = sp500Dir();
  if (!dir) {
    report.note('skipped: ../shared/data/sp500 is absent');
    return;
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-bench-train-'));
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
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  const started = performance.now();
  const result = await train(ctx, { until: '2019-12-31', promote: 'always' });
  clearInterval(sampler);
  report.figure(
    `mlx train --until 2019-12-31, 55 symbols, ${result.training_rows.toLocaleString('en')} final rows, 10 folds + final fit`,
    (performance.now() - started) / 1000,
    's',
    'goal ≤ 240 s, stretch ≤ 150 s (2 cores)',
  );
  const ensemble = result.walk_forward.metrics.ensemble;
  if (ensemble) {
    report.figure(
      'ensemble Rank IC (walk-forward)',
      ensemble.rank_ic.mean ?? NaN,
      '',
      'goal ≥ 0.030',
    );
    report.figure(
      'ensemble Rank IC Newey–West t',
      ensemble.rank_ic.t_stat ?? NaN,
      '',
      'goal ≥ 2.5',
    );
    report.figure('80% interval coverage', ensemble.interval_coverage ?? NaN, '', 'goal 0.78–0.82');
  }
  report.figure('train peak RSS', Math.round(peak / 2 ** 20), 'MiB');
  const manifest = JSON.parse(fs.readFileSync(path.join(result.dir, 'manifest.json'), 'utf8'));
  const lstm = manifest.params.final_fit.lstm;
  if (lstm)
    report.figure(
      `LSTM final fit on ${lstm.backend}`,
      lstm.samples_per_second,
      'samples/s',
      'goal ≥ 2,000 on wasm',
    );
  fs.rmSync(home, { recursive: true, force: true });
}
