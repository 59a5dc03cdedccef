import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportData } from '../src/commands/export.ts';
import { importFiles } from '../src/commands/data-import.ts';
import { defaultConfig } from '../src/config.ts';
import { noProgress, type Context } from '../src/context.ts';
import { homePaths } from '../src/home.ts';
import { createMemoryLogger } from '../src/log.ts';
import { sp500Files } from '../test/helpers/shared-data.ts';
import type { BenchReporter } from './report.ts';

/** `mlx export bars features` of the 55 real stocks to Parquet, then to CSV. */
export async function bench(report: BenchReporter): Promise<void> {
  const files = sp500Files();
  if (files.length === 0) {
    report.note('skipped: ../shared/data/sp500 is absent');
    return;
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-bench-export-'));
  const ctx: Context = {
    home: homePaths(home),
    config: defaultConfig(),
    log: createMemoryLogger(),
    now: () => new Date(),
    lockWaitSeconds: 0,
    progress: noProgress,
  };
  try {
    await importFiles(ctx, { files, onBadRow: 'fail' });
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
        `export bars (${bars.rows.toLocaleString('en')} rows) and features (${features.rows.toLocaleString('en')} rows × ${features.columns} columns) of ${files.length} symbols to ${format}, best of 3`,
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
