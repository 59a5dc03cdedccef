import fs from 'node:fs';
import path from 'node:path';
import { exportData } from '../src/commands/export.ts';
import { sp500Context } from './home.ts';
import type { BenchReporter } from './report.ts';

/** `mlx export bars features` of the 55 real stocks to Parquet, then to CSV. */
export async function bench(report: BenchReporter): Promise<void> {
  const ctx = await sp500Context('export', report, { level: 'verbose' });
  if (!ctx) return;
  const home = ctx.home.root;
  try {
    for (const format of ['parquet', 'csv'] as const) {
      // Best and median of three runs: one run on a shared machine says little.
      const walls: number[] = [];
      const cpus: number[] = [];
      let result;
      for (let run = 0; run < 3; run++) {
        const cpu = process.cpuUsage();
        const started = performance.now();
        result = await exportData(ctx, {
          what: ['bars', 'features'],
          format,
          out: path.join(home, `export-${format}`),
        });
        walls.push((performance.now() - started) / 1000);
        const used = process.cpuUsage(cpu);
        cpus.push((used.user + used.system) / 1e6);
      }
      const [bars, features] = result?.files ?? [];
      walls.sort((a, b) => a - b);
      cpus.sort((a, b) => a - b);
      report.figure(
        `export bars (${bars.rows.toLocaleString('en')} rows) and features (${features.rows.toLocaleString('en')} rows × ${features.columns} columns) of the 55 stocks to ${format}, best of 3`,
        walls[0],
        's',
        format === 'parquet' ? 'goal < 5 s' : undefined,
      );
      report.note(
        `median ${walls[1].toFixed(2)} s; CPU (all threads) ${cpus[1].toFixed(2)} s; files ${(
          (result?.files ?? []).reduce((sum, f) => sum + fs.statSync(f.file).size, 0) / 1e6
        ).toFixed(0)} MB`,
      );
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}
