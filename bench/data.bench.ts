import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importFiles } from '../src/commands/data-import.ts';
import { defaultConfig } from '../src/config.ts';
import { noProgress, type Context } from '../src/context.ts';
import { homePaths } from '../src/home.ts';
import { createMemoryLogger } from '../src/log.ts';
import { sp500Dir } from '../test/helpers/shared-data.ts';
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
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-bench-data-'));
  const ctx: Context = {
    home: homePaths(home),
    config: defaultConfig(),
    log: createMemoryLogger(),
    now: () => new Date(),
    lockWaitSeconds: 0,
    progress: noProgress,
  };
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
  fs.rmSync(home, { recursive: true, force: true });
}
