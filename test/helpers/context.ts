import { defaultConfig, type Config } from '../../src/config.ts';
import { noProgress, type Context } from '../../src/context.ts';
import { homePaths } from '../../src/home.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { tempHome } from './cli.ts';

/** A real context on a temp home (or `home`), with a pinned clock and a recording logger. */
export function testContext(
  options: { home?: string; now?: string; config?: Partial<Config> } = {},
): Context & { lines: string[] } {
  const log = createMemoryLogger();
  const now = new Date(options.now ?? '2021-04-22T12:00:00Z');
  return {
    home: homePaths(options.home ?? tempHome()),
    config: { ...defaultConfig(), ...options.config },
    log,
    lines: log.lines,
    now: () => now,
    lockWaitSeconds: 0,
    progress: noProgress,
  };
}
