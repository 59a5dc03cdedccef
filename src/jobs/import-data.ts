import path from 'node:path';
import type { Context } from '../context.ts';
import { DataError, UsageError } from '../errors.ts';
import { localDate } from '../calendar/index.ts';
import { SYMBOL_RULE, listingForSymbol, normaliseSymbol } from '../exchanges.ts';
import { barRulesFor } from '../store/bar-checks.ts';
import { readCsvFile, symbolFromFileName, type CsvFormat } from '../sources/csv.ts';
import { readMetadataFile, isMetadataFile, type SymbolMetadata } from '../sources/metadata.ts';
import type { RawBar } from '../store/types.ts';
import { Home } from '../home-files/home.ts';

export interface ImportOptions {
  files: string[];
  /** Symbol for a single file; otherwise taken from each file name. */
  symbol?: string;
  onBadRow: 'fail' | 'skip';
}

export interface ImportedFile {
  file: string;
  symbol: string;
  format: CsvFormat;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  bad_rows: { line: number; field: string; reason: string }[];
  empty_rows: number;
}

export interface ImportResult {
  files: ImportedFile[];
  metadata_files: string[];
  inserted: number;
  updated: number;
  unchanged: number;
  bad_rows: number;
}

/**
 * `mlx data import`. Every file is parsed before anything is written, so a
 * bad row in any file leaves the store exactly as it was; then one
 * transaction writes all of them.
 */
export async function importFiles(ctx: Context, options: ImportOptions): Promise<ImportResult> {
  if (options.files.length === 0)
    throw new UsageError('no files to import', 'mlx data import FILE...');
  const symbolOverride = options.symbol;
  const priceFiles = options.files.filter((f) => !isMetadataFile(f));
  if (symbolOverride && priceFiles.length > 1) {
    throw new UsageError(
      '--symbol names the symbol of a single file',
      'import files one at a time, or name them SYMBOL.csv',
    );
  }

  const metadata = new Map<string, SymbolMetadata>();
  const metadataFiles = options.files.filter((f) => isMetadataFile(f));
  for (const file of metadataFiles) {
    for (const entry of readMetadataFile(file)) metadata.set(entry.symbol, entry);
  }

  const { parsed, seenSymbols } = parseFiles(ctx, priceFiles, symbolOverride, options);

  return Home.of(ctx).withWriteLock(
    ctx,
    'data import',
    (access) => {
      const store = access.openStore('create');
      try {
        const importedAt = ctx.now().toISOString();
        const files = store.transaction(() => {
          // Names and sectors for symbols already stored (the imported ones get theirs below).
          for (const [symbol, meta] of metadata) {
            const known = seenSymbols.has(symbol) ? null : store.symbolInfo(symbol);
            if (known)
              store.upsertSymbol(
                { ...known, name: meta.name, sector: meta.sector },
                'csv',
                importedAt,
              );
          }
          return parsed.map((p): ImportedFile => {
            const meta = metadata.get(p.symbol);
            const known = store.symbolInfo(p.symbol);
            store.upsertSymbol(
              {
                symbol: p.symbol,
                ...listingForSymbol(p.symbol),
                name: meta?.name ?? known?.name ?? null,
                sector: meta?.sector ?? known?.sector ?? null,
                synthetic: false,
              },
              'csv',
              importedAt,
            );
            const counts = store.upsertBars(p.symbol, p.bars, 'csv', importedAt);
            return {
              file: p.file,
              symbol: p.symbol,
              format: p.format,
              rows: p.bars.length,
              ...counts,
              bad_rows: p.badRows,
              empty_rows: p.emptyRows,
            };
          });
        });
        const sum = (pick: (f: ImportedFile) => number) =>
          files.reduce((acc, f) => acc + pick(f), 0);
        return {
          files,
          metadata_files: metadataFiles,
          inserted: sum((f) => f.inserted),
          updated: sum((f) => f.updated),
          unchanged: sum((f) => f.unchanged),
          bad_rows: sum((f) => f.bad_rows.length),
        };
      } finally {
        store.close();
      }
    },
    { createHome: true },
  );
}

interface ParsedFile {
  file: string;
  symbol: string;
  format: CsvFormat;
  bars: RawBar[];
  badRows: ImportedFile['bad_rows'];
  emptyRows: number;
}

/** Every price file parsed and checked, before anything is written; each symbol once. */
function parseFiles(
  ctx: Context,
  priceFiles: readonly string[],
  symbolOverride: string | undefined,
  options: ImportOptions,
): { parsed: ParsedFile[]; seenSymbols: Map<string, string> } {
  const parsed: ParsedFile[] = [];
  const seenSymbols = new Map<string, string>();
  const progress = ctx.progress('parsing', priceFiles.length);
  for (const file of priceFiles) {
    const symbol = symbolOverride ?? normaliseSymbol(symbolFromFileName(file));
    if (!symbol) {
      throw new UsageError(
        `cannot tell the symbol of ${file} from its name: ${SYMBOL_RULE}`,
        'name the file SYMBOL.csv, or pass --symbol SYMBOL',
      );
    }
    const earlier = seenSymbols.get(symbol);
    if (earlier)
      throw new UsageError(`${earlier} and ${file} are both ${symbol}`, 'import them separately');
    seenSymbols.set(symbol, file);
    const listing = listingForSymbol(symbol);
    const result = readCsvFile(file, {
      onBadRow: options.onBadRow,
      rules: barRulesFor(listing.exchange, localDate(ctx.now(), listing.timezone)),
    });
    if (result.bars.length === 0) {
      throw new DataError(`${file}: no bars in the file`, 'check that it is a daily price CSV');
    }
    parsed.push({
      file,
      symbol,
      format: result.format,
      bars: result.bars,
      badRows: result.badRows,
      emptyRows: result.emptyRows,
    });
    progress.tick(1, path.basename(file));
  }
  progress.done();
  return { parsed, seenSymbols };
}
