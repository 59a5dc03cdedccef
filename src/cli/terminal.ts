import type { ChalkInstance } from 'chalk';

/** Terminal facts, decided once: colour only on a TTY, never with NO_COLOR or --no-color. */
export interface Terminal {
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Colour in log lines on stderr. */
  color: boolean;
  /** Colours for stdout tables (plain when stdout is not a colour terminal). */
  paint: ChalkInstance;
  /** The width of the stdout terminal; undefined for a pipe or a file (nothing is cut). */
  columns: number | undefined;
}
