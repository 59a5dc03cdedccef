/** The colours stdout tables use. */
export interface Paint {
  bold(text: string): string;
  green(text: string): string;
  red(text: string): string;
}

/** Text as it is: for pipes, files, NO_COLOR and --no-color. */
export const PLAIN: Paint = { bold: (text) => text, green: (text) => text, red: (text) => text };

/** Terminal facts, decided once: colour only on a TTY, never with NO_COLOR or --no-color. */
export interface Terminal {
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Colour in log lines on stderr. */
  color: boolean;
  /** stdout is a terminal that takes colour (`paint` is chalk's once `withPaint` has run). */
  stdoutColor: boolean;
  /** Colours for stdout tables (plain when stdout is not a colour terminal). */
  paint: Paint;
  /** The width of the stdout terminal; undefined for a pipe or a file (nothing is cut). */
  columns: number | undefined;
}
