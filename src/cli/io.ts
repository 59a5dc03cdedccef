import type { ProgressFactory } from '../context.ts';
import { StatusLine, statusProgress } from './progress.ts';
import { fitText } from './table.ts';
import { PLAIN, type Terminal } from './terminal.ts';

export type { Terminal } from './terminal.ts';

/** Whether the environment asks for no colour (https://no-color.org: set and not empty). */
export function colorRefused(env: NodeJS.ProcessEnv): boolean {
  return (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb';
}

export function detectTerminal(
  env: NodeJS.ProcessEnv = process.env,
  options: { color?: boolean } = {},
): Terminal {
  const noColor = options.color === false || colorRefused(env);
  const stdoutIsTTY = Boolean(process.stdout.isTTY);
  const stderrIsTTY = Boolean(process.stderr.isTTY);
  return {
    stdoutIsTTY,
    stderrIsTTY,
    color: stderrIsTTY && !noColor,
    stdoutColor: stdoutIsTTY && !noColor,
    paint: PLAIN,
    columns: stdoutIsTTY ? process.stdout.columns || 80 : undefined,
  };
}

/**
 * The terminal with chalk's colours when stdout takes them. chalk is loaded
 * only then: output for a pipe, a file or cron needs none, and starts sooner.
 */
export async function withPaint(terminal: Terminal): Promise<Terminal> {
  if (!terminal.stdoutColor) return terminal;
  const { Chalk } = await import('chalk');
  return { ...terminal, paint: new Chalk({ level: 1 }) };
}

/** stderr's last line while a progress bar is drawn: every log line goes above it. */
export const stderrLine = new StatusLine(process.stderr);

export function writeOut(text: string): void {
  // Data on a terminal that also shows a progress bar starts on a line of its own.
  if (process.stdout.isTTY) stderrLine.clear();
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** How the logger writes: through the status line, so a bar and a log line never share a line. */
export function writeErr(text: string): void {
  // On a terminal a long message is broken at spaces rather than by the terminal mid-word.
  stderrLine.writeLines(process.stderr.isTTY ? fitText(text, process.stderr.columns || 80) : text);
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
  return statusProgress(enabled, stderrLine);
}
