/**
 * The one logger. Library code reports through it (never `console`), and it
 * writes only to stderr: stdout is reserved for data.
 */
export type LogLevel = 'quiet' | 'normal' | 'verbose';

export interface Logger {
  /** Always shown, even with --quiet. */
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  /** Only with --verbose. */
  debug(message: string): void;
  readonly level: LogLevel;
  /** True when stderr is a terminal a person is watching (progress bars, colour). */
  readonly interactive: boolean;
}

export interface LoggerOptions {
  level: LogLevel;
  color: boolean;
  interactive: boolean;
  write?: (text: string) => void;
}

const paint = (code: number, on: boolean) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const red = paint(31, options.color);
  const yellow = paint(33, options.color);
  const dim = paint(2, options.color);
  const { level } = options;
  return {
    level,
    interactive: options.interactive,
    error: (m) => write(`${red('error:')} ${m}\n`),
    warn: (m) => level !== 'quiet' && write(`${yellow('warning:')} ${m}\n`),
    info: (m) => level !== 'quiet' && write(`${m}\n`),
    debug: (m) => level === 'verbose' && write(`${dim(m)}\n`),
  } as Logger;
}

/** A logger that records lines, for tests and for library calls that want silence. */
export function createMemoryLogger(level: LogLevel = 'verbose'): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    color: false,
    interactive: false,
    write: (text) => lines.push(text.replace(/\n$/, '')),
  });
  return Object.assign(logger, { lines });
}
