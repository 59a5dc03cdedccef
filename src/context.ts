import type { Config } from './config.ts';
import type { HomePaths } from './home.ts';
import type { Logger } from './log.ts';

/** Progress on long work; the CLI draws a bar on a TTY, everything else gets a no-op. */
export interface Progress {
  tick(by?: number, label?: string): void;
  done(): void;
}
export type ProgressFactory = (label: string, total: number) => Progress;

export const noProgress: ProgressFactory = () => ({ tick() {}, done() {} });

/** What every operation receives instead of reaching for globals. */
export interface Context {
  home: HomePaths;
  config: Config;
  log: Logger;
  /** The clock; injected so tests and backtests can pin "now". */
  now: () => Date;
  /** Seconds to wait for another mlx process's lock before exit 4. */
  lockWaitSeconds: number;
  progress: ProgressFactory;
}

/** What a flag may override of the config: each taken from the flag when given, else the config. */
export interface FlagDefaults {
  modelName: string;
  seed: number;
  horizonDays: number;
}

/** Flags merged with the config's defaults, in this one place (a use case calls it once). */
export function withDefaults(
  config: Config,
  given: { modelName?: string; seed?: number; horizonDays?: number },
): FlagDefaults {
  return {
    modelName: given.modelName ?? config.modelName,
    seed: given.seed ?? config.seed,
    horizonDays: given.horizonDays ?? config.horizonDays,
  };
}
