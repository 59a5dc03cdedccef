import type { Terminal } from './terminal.ts';

/** What a table needs to know about where it is printed. */
export type TableTerminal = Pick<Terminal, 'paint' | 'columns' | 'stdoutIsTTY'>;

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const NUMERIC = /^[+-]?(\d[\d,]*(\.\d+)?|\.\d+)(%| pts| s)?$/;
const GAP = '  ';
/** A text column is never cut narrower than this (dates, short labels are never cut). */
const MIN_WIDTH = 12;

const visible = (text: string) => text.replace(ANSI, '');

/**
 * A compact table for stdout: a header, a rule under it on a terminal, one
 * line per row (no separators), numbers aligned right. On a terminal the
 * widest columns of prose or lists are cut (with …) until the table fits, and
 * columns on the right left out if that is not enough; into a pipe or a file
 * nothing is cut. Colour only through `terminal.paint`, which
 * is plain under NO_COLOR, --no-color or when stdout is not a terminal.
 */
export function renderTable(
  head: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  terminal: TableTerminal,
): string {
  const cells = rows.map((row) => head.map((_, c) => String(row[c] ?? '')));
  const numeric = head.map((_, c) => {
    const column = cells.map((row) => visible(row[c])).filter((v) => v !== '' && v !== '–');
    return column.length > 0 && column.every((v) => NUMERIC.test(v));
  });
  // Only prose and lists are cut (a symbol, a date or a price range is left whole, or left
  // out), and never the first column: it names the row.
  const cuttable = head.map(
    (_, c) => c > 0 && !numeric[c] && cells.some((row) => /[\s,]/.test(visible(row[c]))),
  );
  const widths = head.map((h, c) =>
    Math.max(visible(h).length, ...cells.map((row) => visible(row[c]).length)),
  );
  const kept =
    terminal.columns === undefined
      ? head.length
      : fitWidths(widths, cuttable, head, terminal.columns);
  const line = (row: readonly string[], style: (s: string) => string = (s) => s) =>
    row
      .slice(0, kept)
      .map((cell, c, shown) => {
        const text = fit(cell, widths[c]);
        const pad = ' '.repeat(Math.max(0, widths[c] - visible(text).length));
        const last = c === shown.length - 1;
        if (numeric[c]) return pad + style(text);
        return style(text) + (last ? '' : pad);
      })
      .join(GAP)
      .replace(/\s+$/, '');
  const lines = [line(head, (s) => terminal.paint.bold(s))];
  if (terminal.stdoutIsTTY)
    lines.push(
      widths
        .slice(0, kept)
        .map((w) => '─'.repeat(w))
        .join(GAP),
    );
  for (const row of cells) lines.push(line(row));
  if (kept < head.length && terminal.columns !== undefined)
    lines.push(
      ...wrap(
        `(${head.length - kept} column${head.length - kept === 1 ? '' : 's'} hidden to fit ${terminal.columns} columns: ${head
          .slice(kept)
          .map((h) => h || '(unnamed)')
          .join(', ')}; --wide or --json shows them)`,
        terminal.columns,
      ),
    );
  return lines.join('\n');
}

/** Text for a terminal `columns` wide (pure): each longer line broken at spaces; none without a width. */
export function fitText(text: string, columns: number | undefined): string {
  if (columns === undefined) return text;
  return text
    .split('\n')
    .flatMap((l) => (visible(l).length > columns ? wrap(l, columns) : [l]))
    .join('\n');
}

/** Prose broken at spaces into lines of at most `width` characters (a longer word stays whole). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current && visible(current).length + 1 + visible(word).length > width) {
      lines.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) lines.push(current);
  return lines;
}

/**
 * Narrow the widest cuttable columns, one character at a time, until the row fits
 * `columns`; if it still does not, leave out columns from the right (tables
 * put what matters first). Returns how many columns are shown.
 */
function fitWidths(
  widths: number[],
  cuttable: readonly boolean[],
  head: readonly string[],
  columns: number,
): number {
  let kept = widths.length;
  const total = () => widths.slice(0, kept).reduce((s, w) => s + w, 0) + GAP.length * (kept - 1);
  while (total() > columns) {
    let widest = -1;
    for (let c = 0; c < kept; c++) {
      const floor = Math.min(Math.max(MIN_WIDTH, visible(head[c]).length), widths[c]);
      if (!cuttable[c] || widths[c] <= floor) continue;
      if (widest < 0 || widths[c] > widths[widest]) widest = c;
    }
    if (widest >= 0) widths[widest]--;
    else if (kept > 1) kept--;
    else break;
  }
  return kept;
}

/** A cell cut to `width` visible characters, ending in … when cut (its colour is dropped then). */
function fit(cell: string, width: number): string {
  const plain = visible(cell);
  if (plain.length <= width) return cell;
  return `${plain.slice(0, Math.max(0, width - 1))}…`;
}

export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value.toFixed(digits);
}

export function formatPct(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${(value * 100).toFixed(digits)}%`;
}
