import fs from 'node:fs';
import { UsageError } from '../errors.ts';
import { BACKTEST_FILE } from '../home-files/home.ts';

/** What a replay folder holds: --force replaces only a folder of these. */
const REPLAY_ENTRIES = new Set(['models', 'adaptive', 'static', BACKTEST_FILE, '.retrain.lock']);

/**
 * A replay writes into a folder of its own: an empty or new one, or, with
 * `force`, one an earlier or killed replay left (removed first). A folder
 * holding anything a replay does not write is never removed.
 */
export function clearReplayFolder(out: string, force: boolean): void {
  if (!fs.existsSync(out) || fs.readdirSync(out).length === 0) return;
  const foreign = fs.readdirSync(out).filter((entry) => !REPLAY_ENTRIES.has(entry));
  if (!force || foreign.length > 0)
    throw new UsageError(
      `${out} is not empty${foreign.length ? ` and not a replay folder (${foreign.slice(0, 3).join(', ')})` : ': an earlier or killed replay'}`,
      foreign.length
        ? 'pass --out to a new folder'
        : 'pass --force to replace it, or --out to a new folder',
    );
  fs.rmSync(out, { recursive: true, force: true });
}
