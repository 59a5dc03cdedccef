import type { Progress, ProgressFactory } from '../context.ts';
import { noProgress } from '../context.ts';

/** The part of a stream the status line needs (process.stderr, or a fake in tests). */
export interface StatusStream {
  write(text: string): unknown;
  columns?: number;
}

/**
 * The last line of stderr while a progress bar is up. Log lines are written
 * above it, never onto it: the bar is wiped, the line written, the bar drawn
 * again. Only carriage returns and spaces are used, no escape sequences, so
 * the bar is safe under NO_COLOR and on terminals that understand nothing else.
 */
export class StatusLine {
  private shown = '';

  constructor(private readonly stream: StatusStream) {}

  /** Whole lines for people (each ending in a newline). */
  writeLines(text: string): void {
    const status = this.shown;
    this.clear();
    this.stream.write(text);
    if (status) this.draw(status);
  }

  /** Replace the status line with `text`, cut to the terminal's width so it never wraps. */
  draw(text: string): void {
    const width = Math.max(10, (this.stream.columns ?? 80) - 1);
    const line = text.length > width ? text.slice(0, width) : text;
    const pad = ' '.repeat(Math.max(0, this.shown.length - line.length));
    this.stream.write(`\r${line}${pad}`);
    this.shown = line;
  }

  /** Wipe the status line and leave the cursor at its start. */
  clear(): void {
    if (!this.shown) return;
    this.stream.write(`\r${' '.repeat(this.shown.length)}\r`);
    this.shown = '';
  }
}

const BAR_WIDTH = 24;

/** `label [█████░░░░░] 12/40 item` (pure). */
export function progressText(label: string, value: number, total: number, item: string): string {
  const filled = total > 0 ? Math.round((Math.min(value, total) / total) * BAR_WIDTH) : 0;
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
  return `${label} [${bar}] ${value}/${total}${item ? ` ${item}` : ''}`;
}

/** Progress bars on the status line, only when a person is watching stderr. */
export function statusProgress(enabled: boolean, line: StatusLine): ProgressFactory {
  if (!enabled) return noProgress;
  return (label, total): Progress => {
    let value = 0;
    line.draw(progressText(label, value, total, ''));
    return {
      tick: (by = 1, item = '') => {
        value += by;
        line.draw(progressText(label, value, total, item));
      },
      done: () => line.clear(),
    };
  };
}
