import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fetchData } from '../src/commands/data-fetch.ts';
import { importFiles } from '../src/commands/data-import.ts';
import { predict } from '../src/jobs/predict.ts';
import { replayPanel } from '../src/replay/session-replay.ts';
import { train } from '../src/commands/train.ts';
import { calendarFor } from '../src/calendar/index.ts';
import { defaultConfig } from '../src/config.ts';
import { noProgress, type Context } from '../src/context.ts';
import { homePaths } from '../src/home.ts';
import { createMemoryLogger } from '../src/log.ts';
import { MLX_BIN } from '../test/helpers/cli.ts';
import { sp500Dir } from '../test/helpers/shared-data.ts';
import type { BenchReporter } from './report.ts';

function context(home: string, now = new Date()): Context {
  return {
    home: homePaths(home),
    config: defaultConfig(),
    log: createMemoryLogger('quiet'),
    now: () => now,
    lockWaitSeconds: 0,
    progress: noProgress,
  };
}

/** Median wall time of `mlx ARGS` as a user runs it, ledger emptied before each run. */
function wallTime(home: string, args: string[], runs = 3): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    fs.rmSync(path.join(home, 'predictions'), { recursive: true, force: true });
    const started = performance.now();
    const run = spawnSync(process.execPath, [MLX_BIN, '--home', home, ...args], {
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`mlx ${args.join(' ')} failed: ${run.stderr}`);
    times.push((performance.now() - started) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

/**
 * Predict and verify from a warm store (the model trained once, final fit only:
 * predict's cost does not depend on the walk-forward evaluation).
 */
export async function bench(report: BenchReporter): Promise<void> {
  const dir = sp500Dir();
  if (dir) {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-bench-loop-'));
    const ctx = context(home, new Date('2020-06-30T22:00:00Z'));
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.csv'))
      .map((f) => path.join(dir, f));
    // Imported with today's clock: the files run to 2021-04, and bars after "now" are refused.
    await importFiles({ ...ctx, now: () => new Date() }, { files, onBadRow: 'fail' });
    await train(ctx, { until: '2019-12-31', promote: 'always', walkForward: false });
    report.figure(
      'mlx predict, 55 real symbols, warm store (wall, median of 3)',
      wallTime(home, ['predict', '--as-of', '2020-03-02', '--no-fetch', '--quiet']),
      's',
      'goal < 3 s',
    );

    // 10,000 due predictions: every session of 2020-01-02 … 2020-09-24 for 55 symbols.
    fs.rmSync(path.join(home, 'predictions'), { recursive: true, force: true });
    const calendar = calendarFor('US');
    const sessions = calendar.sessionsBetween('2020-01-02', '2020-09-30');
    const reuse = await replayPanel(ctx, '2020-12-31');
    let predictions = 0;
    for (const session of sessions) {
      if (predictions >= 10_000) break;
      predictions += (
        await predict(
          { ...ctx, now: () => calendar.sessionClose(session) },
          { asOf: session, fetch: false, allowStale: false },
          reuse,
        )
      ).appended.length;
    }
    reuse.model.free();
    // `mlx verify` as cron runs it: a process, start-up included (the clock is real, so all are due).
    const started = performance.now();
    const run = spawnSync(
      process.execPath,
      [MLX_BIN, '--home', home, 'verify', '--no-fetch', '--quiet', '--json'],
      {
        encoding: 'utf8',
        maxBuffer: 256 * 2 ** 20,
      },
    );
    if (run.status !== 0) throw new Error(`mlx verify failed: ${run.stderr}`);
    const verified = (JSON.parse(run.stdout) as unknown[]).length;
    report.figure(
      `mlx verify, ${verified.toLocaleString('en')} due predictions (wall)`,
      (performance.now() - started) / 1000,
      's',
      'goal < 3 s for 10,000',
    );
    fs.rmSync(home, { recursive: true, force: true });
  } else {
    report.note('real-data figures skipped: ../shared/data/sp500 is absent');
  }

  const synthetic = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-bench-syn-'));
  const ctx = context(synthetic, new Date('2021-01-04T12:00:00Z'));
  await fetchData(ctx, {
    symbols: [],
    source: 'synthetic',
    count: 500,
    seed: 1,
    from: '2015-01-01',
    to: '2020-12-31',
  });
  await train(ctx, { promote: 'always', walkForward: false, until: '2020-11-30' });
  report.figure(
    'mlx predict, 500 synthetic symbols, warm store (wall, median of 3)',
    wallTime(synthetic, ['predict', '--as-of', '2020-12-31', '--no-fetch', '--quiet']),
    's',
    'goal < 15 s',
  );
  fs.rmSync(synthetic, { recursive: true, force: true });

  const demoHome = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-bench-demo-'));
  const started = performance.now();
  const demo = spawnSync(process.execPath, [MLX_BIN, '--home', demoHome, 'demo', '--quiet'], {
    encoding: 'utf8',
  });
  if (demo.status !== 0) throw new Error(`mlx demo failed: ${demo.stderr}`);
  report.figure(
    'mlx demo, offline, 20 synthetic symbols (wall)',
    (performance.now() - started) / 1000,
    's',
    'goal < 120 s',
  );
  fs.rmSync(demoHome, { recursive: true, force: true });
}
