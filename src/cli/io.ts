import { Chalk, type ChalkInstance } from 'chalk';
import cliProgress from 'cli-progress';
import type { ProgressFactory } from '../context.ts';
import { noProgress } from '../context.ts';

/** Terminal facts, decided once: colour only on a TTY and never with NO_COLOR. */
export interface Terminal {
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  color: boolean;
  /** Colours for stdout tables (plain when stdout is not a colour terminal). */
  paint: ChalkInstance;
}

export function detectTerminal(env: NodeJS.ProcessEnv = process.env): Terminal {
  const noColor = 'NO_COLOR' in env || env.TERM === 'dumb';
  const stdoutIsTTY = Boolean(process.stdout.isTTY);
  const stderrIsTTY = Boolean(process.stderr.isTTY);
  return {
    stdoutIsTTY,
    stderrIsTTY,
    color: stderrIsTTY && !noColor,
    paint: new Chalk({ level: stdoutIsTTY && !noColor ? 1 : 0 }),
  };
}

export function writeOut(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

let jsonDocuments = 0;

/** With --json, stdout is exactly one JSON document: pretty for a person, compact for a pipe. */
export function writeJson(value: unknown, terminal: Terminal): void {
  jsonDocuments++;
  writeOut(terminal.stdoutIsTTY ? JSON.stringify(value, null, 2) : JSON.stringify(value));
}

/** Whether this run has printed its JSON document already (main then adds no error document). */
export function jsonWritten(): boolean {
  return jsonDocuments > 0;
}

export function resetJsonWritten(): void {
  jsonDocuments = 0;
}

/** Progress bars on stderr, only when a person is watching it. */
export function progressFactory(enabled: boolean): ProgressFactory {
  if (!enabled) return noProgress;
  return (label, total) => {
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `${label} [{bar}] {value}/{total} {item}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { item: '' });
    return {
      tick: (by = 1, item = '') => bar.increment(by, { item }),
      done: () => bar.stop(),
    };
  };
}
