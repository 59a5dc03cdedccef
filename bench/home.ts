import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importFiles } from '../src/commands/data-import.ts';
import { defaultConfig } from '../src/config.ts';
import { noProgress, type Context } from '../src/context.ts';
import { homePaths } from '../src/home.ts';
import { createMemoryLogger, type LogLevel } from '../src/log.ts';
import { sp500Files } from '../test/helpers/shared-data.ts';
import type { BenchReporter } from './report.ts';

/** A context on a fresh home in the temp folder: default config, no progress drawn, the lock not waited for. */
export function benchContext(
  name: string,
  options: { level?: LogLevel; now?: () => Date } = {},
): Context {
  return {
    home: homePaths(fs.mkdtempSync(path.join(os.tmpdir(), `mlx-bench-${name}-`))),
    config: defaultConfig(),
    log: createMemoryLogger(options.level ?? 'quiet'),
    now: options.now ?? (() => new Date()),
    lockWaitSeconds: 0,
    progress: noProgress,
  };
}

/**
 * A fresh home holding the 55 real stocks of ../shared/data/sp500, or null
 * (with a note) when that folder is absent.
 */
export async function sp500Context(
  name: string,
  report: BenchReporter,
  options: { level?: LogLevel } = {},
): Promise<Context | null> {
  const files = sp500Files();
  if (files.length === 0) {
    report.note('skipped: ../shared/data/sp500 is absent');
    return null;
  }
  const ctx = benchContext(name, options);
  await importFiles(ctx, { files, onBadRow: 'fail' });
  return ctx;
}
