import { defaultConfig, type Config } from '../../src/config.ts';
import { fetchData } from '../../src/commands/data-fetch.ts';
import type { Context } from '../../src/context.ts';
import fs from 'node:fs';
import path from 'node:path';
import { runMlx } from './cli.ts';
import { testContext } from './context.ts';

/** Training settings small enough for a test, with the real code paths. */
export function smallTrainingConfig(): Partial<Config> {
  const base = defaultConfig();
  return {
    train: {
      ...base.train,
      folds: 3,
      testSessions: 40,
      xgb: { ...base.train.xgb, rounds: 60, earlyStoppingRounds: 15, min_child_weight: 20 },
      lstm: {
        ...base.train.lstm,
        epochs: 2,
        maxSamples: 800,
        units: 8,
        denseUnits: 4,
        timesteps: 10,
      },
    },
  };
}

/** A temp home holding a seeded synthetic market of `count` symbols, 2018–2021. */
export async function syntheticHome(count = 8, seed = 11): Promise<Context & { lines: string[] }> {
  const ctx = testContext({ now: '2022-01-03T12:00:00Z', config: smallTrainingConfig() });
  await fetchData(ctx, {
    symbols: [],
    source: 'synthetic',
    count,
    seed,
    from: '2018-01-01',
    to: '2021-12-31',
  });
  return ctx;
}

/** The same market through the CLI, as a user builds it: config file, then mlx data fetch. */
export async function cliSyntheticHome(
  home: string,
  options: { count: number; seed: number; to: string },
): Promise<void> {
  fs.writeFileSync(path.join(home, 'mlx.config.json'), JSON.stringify(smallTrainingConfig()));
  const run = await runMlx(
    [
      'data',
      'fetch',
      '--source',
      'synthetic',
      '--count',
      String(options.count),
      '--seed',
      String(options.seed),
      '--from',
      '2018-01-01',
      '--to',
      options.to,
    ],
    { home },
  );
  if (run.code !== 0) throw new Error(`mlx data fetch failed: ${run.stderr}`);
}
