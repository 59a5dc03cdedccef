import fs from 'node:fs';
import path from 'node:path';
import { importFiles } from '../src/commands/data-import.ts';
import { sp500Dir } from '../test/helpers/shared-data.ts';
import { benchContext } from './home.ts';
import type { BenchReporter } from './report.ts';

/** Import of the 55 real files into a fresh store, then the idempotent second import. */
export async function bench(report: BenchReporter): Promise<void> {
  const dir = sp500Dir();
  if (!dir) {
    report.note('skipped: ../shared/data/sp500 is absent');
    return;
  }
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => path.join(dir, f));
  const ctx = benchContext('data', { level: 'verbose' });
  let started = performance.now();
  const first = await importFiles(ctx, { files, onBadRow: 'fail' });
  report.figure(
    `import ${first.inserted.toLocaleString('en')} bars, 55 symbols, fresh store`,
    (performance.now() - started) / 1000,
    's',
    'goal < 10 s',
  );
  started = performance.now();
  const second = await importFiles(ctx, { files, onBadRow: 'fail' });
  report.figure(
    `re-import (${second.inserted} new rows)`,
    (performance.now() - started) / 1000,
    's',
  );
  fs.rmSync(ctx.home.root, { recursive: true, force: true });
}
