import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '../errors.ts';
import { OOS_COLUMNS, type OosRow } from '../training/oos.ts';

export const OOS_FILE = 'oos.csv';

const TEXT_COLUMNS: ReadonlySet<string> = new Set(['symbol', 'as_of']);

/** CSV text: a header, one line per row, numbers at full precision, empty for a missing value. */
export function oosCsv(rows: readonly OosRow[]): string {
  const lines = [OOS_COLUMNS.join(',')];
  for (const row of rows) {
    lines.push(
      OOS_COLUMNS.map((column) => {
        const value = row[column];
        return value === null || (typeof value === 'number' && !Number.isFinite(value))
          ? ''
          : String(value);
      }).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Write a version's oos.csv (none when the walk-forward was skipped). */
export function writeOos(dir: string, rows: readonly OosRow[]): void {
  if (rows.length > 0) fs.writeFileSync(path.join(dir, OOS_FILE), oosCsv(rows));
}

/**
 * A version's oos.csv, checked: the header is OOS_COLUMNS, every line has
 * every column, numbers are numbers (an empty cell is null). Null when the
 * version has none.
 */
export function readOos(dir: string): OosRow[] | null {
  const file = path.join(dir, OOS_FILE);
  if (!fs.existsSync(file)) return null;
  const [header, ...lines] = fs.readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
  if (header !== OOS_COLUMNS.join(','))
    throw new DataError(`${file}: line 1: the header is not ${OOS_COLUMNS.join(',')}`);
  return lines.map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== OOS_COLUMNS.length)
      throw new DataError(
        `${file}: line ${i + 2}: ${cells.length} cells where there are ${OOS_COLUMNS.length} columns`,
      );
    const row = {} as OosRow;
    OOS_COLUMNS.forEach((column, c) => {
      const cell = cells[c];
      if (cell === '' || TEXT_COLUMNS.has(column)) row[column] = cell === '' ? null : cell;
      else if (Number.isFinite(Number(cell))) row[column] = Number(cell);
      else throw new DataError(`${file}: line ${i + 2}: ${column}: "${cell}" is not a number`);
    });
    return row;
  });
}
