import fs from 'node:fs';
import type { Context } from './context.ts';
import { DataError, UsageError, fileSystemError, type MlxError } from './errors.ts';
import { requireSymbol } from './exchanges.ts';
import type { PriceStore } from './store/price-store.ts';

export interface UniverseOptions {
  symbols?: string[];
  /** A file with one symbol per line (# comments allowed). */
  universeFile?: string;
  /** When nothing names the symbols (every stored one): which stored symbols to keep. */
  keepStored?: (symbol: string) => boolean;
  /** The error when there are no symbols at all (default: noSymbolsError). */
  noneError?: () => MlxError;
}

/**
 * The symbols a command works on: named, else a universe file, else the
 * config, else the stored ones (those `keepStored` keeps); validated,
 * upper-cased, sorted, once each. Every command resolves its universe here.
 */
export function resolveUniverse(
  ctx: Context,
  store: PriceStore,
  options: UniverseOptions,
): string[] {
  let raw: string[];
  let stored = false;
  if (options.symbols && options.symbols.length > 0) raw = options.symbols;
  else if (options.universeFile) raw = readUniverseFile(options.universeFile);
  else if (ctx.config.universe.length > 0) raw = ctx.config.universe;
  else {
    raw = store.symbolNames();
    stored = true;
  }
  if (raw.length === 0) throw options.noneError?.() ?? noSymbolsError(ctx);
  const symbols = [...new Set(raw.map((s) => requireSymbol(s)))].sort();
  return stored && options.keepStored ? symbols.filter(options.keepStored) : symbols;
}

function readUniverseFile(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const reason = fileSystemError(err, 'cannot read universe file', file);
    throw new UsageError(reason.message, reason.hint);
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '');
}

export function noSymbolsError(ctx: Context): DataError {
  return new DataError(
    `no symbols in the store at ${ctx.home.db}`,
    'import or fetch data first: mlx data import FILE... or mlx data fetch SYMBOL...',
  );
}
