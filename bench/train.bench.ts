import fs from 'node:fs';
import path from 'node:path';
import { train } from '../src/commands/train.ts';
import { sp500Context } from './home.ts';
import type { BenchReporter } from './report.ts';

/** The default train on the 55 real symbols, walk-forward included (several minutes). */
export async function bench(report: BenchReporter): Promise<void> {
  const ctx = await sp500Context('train', report);
  if (!ctx) return;
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  const started = performance.now();
  const result = await train(ctx, { until: '2019-12-31', promote: 'always' });
  clearInterval(sampler);
  report.figure(
    `mlx train --until 2019-12-31, 55 symbols, ${result.training_rows.toLocaleString('en')} final rows, 10 folds + final fit`,
    (performance.now() - started) / 1000,
    's',
    'goal ≤ 90 s (2 cores)',
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
  fs.rmSync(ctx.home.root, { recursive: true, force: true });
}
