import fs from 'node:fs';
import path from 'node:path';
import { isIsoDate } from '../calendar/index.ts';
import { DataError, fileSystemError } from '../errors.ts';
import { checkBar, type BarRules } from '../store/bar-checks.ts';
import type { RawBar } from '../store/types.ts';

export type CsvFormat = 'alphavantage' | 'yahoo' | 'generic';

export interface CsvParseOptions {
  /** 'fail' (default): the first bad row fails the file. 'skip': bad rows are counted and left out. */
  onBadRow?: 'fail' | 'skip';
  /** The store's bar checks for the file's exchange (data import always passes them). */
  rules?: BarRules;
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

/** A plain decimal number, optionally with an exponent: no hex, octal, binary, Infinity or blanks. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Which format a header row is, or a DataError naming the columns that are missing. */
export function detectFormat(
  header: string[],
  file: string,
): { format: CsvFormat; columns: Map<Field, number> } {
  const names = header.map((h) => h.trim().toLowerCase());
  let closest: { format: CsvFormat; missing: string[] } | null = null;
  for (const format of ['alphavantage', 'yahoo', 'generic'] as const) {
    const columns = new Map<Field, number>();
    const missing: string[] = [];
    for (const [field, name] of Object.entries(FORMATS[format]) as [Field, string][]) {
      const index = names.indexOf(name);
      if (index >= 0) columns.set(field, index);
      else missing.push(name);
    }
    if (missing.length === 0) return { format, columns };
    if (!closest || missing.length < closest.missing.length) closest = { format, missing };
  }
  const expected =
    'expected AlphaVantage daily-adjusted (timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient), ' +
    'Yahoo (Date,Open,High,Low,Close,Adj Close,Volume) or generic (date,open,high,low,close,volume)';
  // A header sharing most columns with a format is that format with columns missing: name them.
  const total = closest ? Object.keys(FORMATS[closest.format]).length : 0;
  if (closest && closest.missing.length < total / 2) {
    throw new DataError(
      `${file}: line 1: missing column${closest.missing.length > 1 ? 's' : ''} ${closest.missing.map((m) => `"${m}"`).join(', ')} ` +
        `for the ${closest.format} format (header ${quoteForMessage(header.join(','))})`,
      expected,
    );
  }
  throw new DataError(
    `${file}: line 1: unrecognised CSV header ${quoteForMessage(header.join(','))}`,
    expected,
  );
}

/**
 * Untrusted text for a message: quoted, control characters escaped, and at
 * most `limit` characters shown (counted after escaping), with the full length.
 */
export function quoteForMessage(text: string, limit = 200): string {
  let shown = '';
  let used = 0;
  for (const char of text) {
    const escaped = escapeChar(char);
    if (shown.length + escaped.length > limit) break;
    shown += escaped;
    used += char.length;
  }
  return used < text.length
    ? `"${shown}…" (${text.length.toLocaleString('en')} characters)`
    : `"${shown}"`;
}

function escapeChar(char: string): string {
  const code = char.codePointAt(0) as number;
  if (char === '"' || char === '\\') return `\\${char}`;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029)
    return `\\u${code.toString(16).padStart(4, '0')}`;
  return char;
}

/**
 * Parse CSV text (pure). Bars come out ascending by date whatever order the
 * file used. With `rules`, each bar must also pass the store's bar checks
 * (a real session not after today, prices that make a bar).
 */
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
    if (!isIsoDate(date)) {
      bad(header(lines[0], idx.date), `${quoteForMessage(date, 40)} is not a real YYYY-MM-DD date`);
      continue;
    }
    if (seen.has(date)) {
      bad(header(lines[0], idx.date), `${date} appears twice`);
      continue;
    }
    const number = (at: number, min: number, fallback?: number): number | null => {
      if (at < 0) return fallback ?? null;
      const raw = (cells[at] ?? '').trim();
      const value = DECIMAL.test(raw) ? Number(raw) : NaN;
      if (!Number.isFinite(value) || value < min) {
        bad(
          header(lines[0], at),
          `${quoteForMessage(raw, 40)} is not ${min > 0 ? 'a positive' : 'a non-negative'} decimal number`,
        );
        return null;
      }
      return value;
    };
    const open = number(idx.open, Number.MIN_VALUE);
    if (open === null) continue;
    const high = number(idx.high, Number.MIN_VALUE);
    if (high === null) continue;
    const low = number(idx.low, Number.MIN_VALUE);
    if (low === null) continue;
    const close = number(idx.close, Number.MIN_VALUE);
    if (close === null) continue;
    const volume = number(idx.volume, 0);
    if (volume === null) continue;
    const dividend = number(idx.dividend, 0, 0);
    if (dividend === null) continue;
    const split = number(idx.split, Number.MIN_VALUE, 1);
    if (split === null) continue;
    let adjClose: number | null = null;
    if (idx.adjClose >= 0) {
      adjClose = number(idx.adjClose, Number.MIN_VALUE);
      if (adjClose === null) continue;
    }
    const bar: RawBar = { date, open, high, low, close, volume, dividend, split, adjClose };
    const problem = options.rules ? checkBar(bar, options.rules) : null;
    if (problem) {
      bad(header(lines[0], idx[problem.field]), problem.reason);
      continue;
    }
    seen.add(date);
    bars.push(bar);
  }
  bars.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { format, bars, badRows, emptyRows };
}

export function readCsvFile(file: string, options: CsvParseOptions = {}): ParsedCsv {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw fileSystemError(err, 'cannot read', file);
  }
  const binary = binaryKind(bytes);
  if (binary) {
    throw new DataError(
      `${file}: not a CSV text file (${binary})`,
      binary.startsWith('gzip')
        ? `decompress it first (gunzip -k ${file}), then import the .csv`
        : 'import a CSV text file: AlphaVantage daily-adjusted, Yahoo or generic OHLCV',
    );
  }
  return parseCsv(bytes.toString('utf8'), file, options);
}

/** Why a file is clearly not text, or null. */
function binaryKind(bytes: Buffer): string | null {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip-compressed data';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03) return 'a zip archive';
  const head = bytes.subarray(0, 4096);
  if (head.includes(0)) return 'binary data: it contains NUL bytes';
  return null;
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
