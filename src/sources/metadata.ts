import fs from 'node:fs';
import { DataError, fileSystemError } from '../errors.ts';
import { normaliseSymbol } from '../exchanges.ts';

/** A symbol's name and sector, from a constituents-style CSV (Symbol,Name,Sector). */
export interface SymbolMetadata {
  symbol: string;
  name: string | null;
  sector: string | null;
}

/** True for a CSV whose header is Symbol,Name[,Sector] rather than prices. */
export function isMetadataFile(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw fileSystemError(err, 'cannot read', file);
  }
  try {
    const head = Buffer.alloc(256);
    const read = fs.readSync(fd, head, 0, head.length, 0);
    const header = head.subarray(0, read).toString('utf8').split(/\r?\n/)[0].toLowerCase();
    const cells = header.split(',').map((c) => c.trim());
    return cells[0] === 'symbol' && cells.includes('name') && !cells.includes('close');
  } catch (err) {
    throw fileSystemError(err, 'cannot read', file);
  } finally {
    fs.closeSync(fd);
  }
}

export function readMetadataFile(file: string): SymbolMetadata[] {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  const header = lines[0]
    .toLowerCase()
    .split(',')
    .map((c) => c.trim());
  const at = (name: string) => header.indexOf(name);
  const entries: SymbolMetadata[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = lines[i].split(',');
    const symbol = normaliseSymbol(cells[at('symbol')] ?? '');
    if (!symbol) throw new DataError(`${file}: line ${i + 1}: field "Symbol": not a symbol`);
    const cell = (name: string) => (at(name) >= 0 ? cells[at(name)]?.trim() || null : null);
    entries.push({ symbol, name: cell('name'), sector: cell('sector') });
  }
  return entries;
}
