import fs from 'node:fs';
import path from 'node:path';
import { importFiles } from '../src/commands/data-import.ts';
import type { ExportResult } from '../src/commands/export.ts';
import type { ExportFormat } from '../src/export/write.ts';
import { sp500Files, sp500WideFiles } from '../test/helpers/shared-data.ts';
import { canMeasureRss, rssNote, runMlxMeasured } from './child.ts';
import { benchContext } from './home.ts';
import type { BenchReporter } from './report.ts';

/**
 * `mlx export bars features` as a user runs it (the built bin/mlx.js in its
 * own process): wall time and peak RSS, for the 55 real stocks to Parquet and
 * to CSV (best and median of 3), then for all 304 (../shared/data/sp500 and
 * sp500-wide) to Parquet, once, when sp500-wide is there.
 */
export async function bench(report: BenchReporter): Promise<void> {
  const files = sp500Files();
  if (files.length === 0) {
    report.note('skipped: ../shared/data/sp500 is absent');
    return;
  }
  if (!canMeasureRss) report.note(rssNote);
  await universe(report, files, { formats: ['parquet', 'csv'], runs: 3, rssGoal: 'goal ≤ 400 MB' });
  const wide = sp500WideFiles();
  if (wide.length === 0)
    report.note('the 304 stocks: skipped, ../shared/data/sp500-wide is absent');
  else
    await universe(report, [...files, ...wide], {
      formats: ['parquet'],
      runs: 1,
      rssGoal: 'goal ≤ 1 GB',
    });
}

async function universe(
  report: BenchReporter,
  files: string[],
  options: { formats: ExportFormat[]; runs: number; rssGoal: string },
): Promise<void> {
  const ctx = benchContext('export');
  const home = ctx.home.root;
  try {
    await importFiles(ctx, { files, onBadRow: 'fail' });
    for (const format of options.formats) {
      const out = path.join(home, `export-${format}`);
      const args = ['export', 'bars', 'features', '--format', format, '--out', out, '--json'];
      // One run on a shared machine says little: best and median of several where there is time.
      const runs = Array.from({ length: options.runs }, () => runMlxMeasured(home, args));
      const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1];
      const walls = runs.map((r) => r.seconds);
      const { files: written } = JSON.parse(runs[0].stdout) as ExportResult;
      const [bars, features] = written;
      const of = runs.length > 1 ? `best of ${runs.length}` : 'one run';
      report.figure(
        `export bars (${bars.rows.toLocaleString('en')} rows) and features (${features.rows.toLocaleString('en')} rows × ${features.columns} columns) of ${files.length} stocks to ${format}, wall, ${of}`,
        Math.min(...walls),
        's',
      );
      const rss = runs.flatMap((r) => (r.rssMb === null ? [] : [r.rssMb]));
      if (rss.length > 0)
        report.figure(
          `  peak RSS${runs.length > 1 ? ', median' : ''}`,
          median(rss),
          'MB',
          format === 'parquet' ? options.rssGoal : undefined,
        );
      const size = written.reduce((sum, f) => sum + fs.statSync(f.file).size, 0) / 1e6;
      report.note(
        `  ${runs.length > 1 ? `median ${median(walls).toFixed(2)} s; ` : ''}files ${size.toFixed(0)} MB`,
      );
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}
