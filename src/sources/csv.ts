import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '../errors.ts';
import type { RawBar } from '../store/types.ts';

export type CsvFormat = 'alphavantage' | 'yahoo' | 'generic';

export interface CsvParseOptions {
  /** 'fail' (default): the first bad row fails the file. 'skip': bad rows are counted and left out. */
  onBadRow?: 'fail' | 'skip';
}

export interface BadRow {
  line: number;
  field: string;
  reason: string;
}

export interface ParsedCsv {
  format: CsvFormat;
  bars: RawBar[];
  badRows: BadRow[];
  /** Yahoo writes "null" for every field on days it has no data; those rows are left out. */
  emptyRows: number;
}

type Field =
  'date' | 'open' | 'high' | 'low' | 'close' | 'adjClose' | 'volume' | 'dividend' | 'split';

/** Header spellings of each format, lower-cased. */
const FORMATS: Record<CsvFormat, Partial<Record<Field, string>>> = {
  alphavantage: {
    date: 'timestamp',
    open: 'open',
    high: 'high',
    low: 'low',
    close: 'close',
    adjClose: 'adjusted_close',
    volume: 'volume',
    dividend: 'dividend_amount',
    split: 'split_coefficient',
  },
  yahoo: {
    date: 'date',
    open: 'open',
    high: 'high',
    low: 'low',
    close: 'close',
    adjClose: 'adj close',
    volume: 'volume',
  },
  generic: {
    date: 'date',
    open: 'open',
    high: 'high',
    low: 'low',
    close: 'close',
    volume: 'volume',
  },
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Which format a header row is, or a DataError naming what is missing. */
export function detectFormat(
  header: string[],
  file: string,
): { format: CsvFormat; columns: Map<Field, number> } {
  const names = header.map((h) => h.trim().toLowerCase());
  for (const format of ['alphavantage', 'yahoo', 'generic'] as const) {
    const columns = new Map<Field, number>();
    for (const [field, name] of Object.entries(FORMATS[format]) as [Field, string][]) {
      const index = names.indexOf(name);
      if (index >= 0) columns.set(field, index);
    }
    if (columns.size === Object.keys(FORMATS[format]).length) return { format, columns };
  }
  throw new DataError(
    `${file}: line 1: unrecognised CSV header "${header.join(',')}"`,
    'expected AlphaVantage daily-adjusted (timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient), ' +
      'Yahoo (Date,Open,High,Low,Close,Adj Close,Volume) or generic (date,open,high,low,close,volume)',
  );
}

/** Parse CSV text (pure). Bars come out ascending by date whatever order the file used. */
export function parseCsv(text: string, file: string, options: CsvParseOptions = {}): ParsedCsv {
  const lines = text.split(/\r?\n/);
  const { format, columns } = detectFormat(splitCsvLine(lines[0] ?? ''), file);
  const bars: RawBar[] = [];
  const badRows: BadRow[] = [];
  const seen = new Set<string>();
  let emptyRows = 0;
  const col = (field: Field) => columns.get(field) ?? -1;
  const idx = {
    date: col('date'),
    open: col('open'),
    high: col('high'),
    low: col('low'),
    close: col('close'),
    adjClose: col('adjClose'),
    volume: col('volume'),
    dividend: col('dividend'),
    split: col('split'),
  };

  for (let i = 1; i < lines.length; i++) {
    const lineText = lines[i];
    if (lineText.trim() === '') continue;
    const cells = splitCsvLine(lineText);
    const line = i + 1;
    if (format === 'yahoo' && cells.slice(1).every((c) => c.trim() === 'null')) {
      emptyRows++;
      continue;
    }
    const bad = (field: string, reason: string) => {
      if (options.onBadRow !== 'skip') {
        throw new DataError(
          `${file}: line ${line}: field "${field}": ${reason}`,
          'fix the row, or rerun with --on-bad-row skip to leave bad rows out and count them',
        );
      }
      badRows.push({ line, field, reason });
    };
    const date = (cells[idx.date] ?? '').trim();
    if (!DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
      bad(header(lines[0], idx.date), `"${date}" is not a YYYY-MM-DD date`);
      continue;
    }
    if (seen.has(date)) {
      bad(header(lines[0], idx.date), `${date} appears twice`);
      continue;
    }
    const number = (field: Field, at: number, min: number, fallback?: number): number | null => {
      if (at < 0) return fallback ?? null;
      const raw = (cells[at] ?? '').trim();
      const value = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(value) || value < min) {
        bad(
          header(lines[0], at),
          `"${raw}" is not ${min > 0 ? 'a positive' : 'a non-negative'} number`,
        );
        return null;
      }
      return value;
    };
    const open = number('open', idx.open, Number.MIN_VALUE);
    if (open === null) continue;
    const high = number('high', idx.high, Number.MIN_VALUE);
    if (high === null) continue;
    const low = number('low', idx.low, Number.MIN_VALUE);
    if (low === null) continue;
    const close = number('close', idx.close, Number.MIN_VALUE);
    if (close === null) continue;
    const volume = number('volume', idx.volume, 0);
    if (volume === null) continue;
    const dividend = number('dividend', idx.dividend, 0, 0);
    if (dividend === null) continue;
    const split = number('split', idx.split, Number.MIN_VALUE, 1);
    if (split === null) continue;
    let adjClose: number | null = null;
    if (idx.adjClose >= 0) {
      adjClose = number('adjClose', idx.adjClose, Number.MIN_VALUE);
      if (adjClose === null) continue;
    }
    seen.add(date);
    bars.push({ date, open, high, low, close, volume, dividend, split, adjClose });
  }
  bars.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { format, bars, badRows, emptyRows };
}

export function readCsvFile(file: string, options: CsvParseOptions = {}): ParsedCsv {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataError(`cannot read ${file}: ${(err as Error).message}`);
  }
  return parseCsv(text, file, options);
}

/** The symbol a file name implies: `data/aapl.csv` → `AAPL`. */
export function symbolFromFileName(file: string): string {
  return path
    .basename(file)
    .replace(/\.[^.]*$/, '')
    .toUpperCase();
}

function header(headerLine: string, index: number): string {
  return splitCsvLine(headerLine)[index]?.trim() ?? `column ${index + 1}`;
}

/** Split one CSV line; handles double-quoted cells (with "" escapes). */
function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
