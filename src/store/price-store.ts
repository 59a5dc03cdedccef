import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { DataError } from '../errors.ts';
import { adjustBars } from './adjust.ts';
import { readBars, writeBars, type UpsertResult } from './bar-table.ts';
import { moveBarsToRevisions, revisionCount, suspectBars, type ListedBar } from './bar-repairs.ts';
import { summaryIsCurrent, writeSummary, type BarSummary } from './bar-summaries.ts';
import { migrate, openDatabase, releaseSideFiles, schemaVersion } from './database.ts';
import { LedgerIndex } from './ledger-index.ts';
import { WeightStore } from './weight-store.ts';
import type { AdjustedSeries, RawBar, StoredBar, SymbolInfo } from './types.ts';

export type { UpsertResult } from './bar-table.ts';

/** A stored symbol, its range and row count, and the counts of its quality flags. */
export interface SymbolSummary extends SymbolInfo, BarSummary {
  source: string;
}

/**
 * The SQLite price store (data/mlx.db, WAL). Bars are kept as traded; the
 * adjusted view is derived on read by `adjustBars`. The connection is its
 * own: every table is read and written through this class and the stores it
 * hands out (weights, ledger index), so SQL lives in src/store only.
 */
export class PriceStore {
  readonly file: string;
  /** Per-stock signal weights and their history. */
  readonly weights: WeightStore;
  /** The index of the prediction and verification ledgers. */
  readonly ledgerIndex: LedgerIndex;
  private readonly db: Database.Database;

  /** Set for a reader that made the WAL's side files: it has them removed on close. */
  private tidyOnClose = false;
  private symbolRow: Database.Statement | undefined;

  private constructor(db: Database.Database, file: string) {
    this.db = db;
    this.file = file;
    this.weights = new WeightStore(db);
    this.ledgerIndex = new LedgerIndex(db);
  }

  /** Open (creating and migrating if needed). `readonly` never creates or migrates. */
  static open(file: string, options: { readonly?: boolean } = {}): PriceStore {
    const readonly = options.readonly ?? false;
    const hadWal = fs.existsSync(`${file}-wal`);
    const store = new PriceStore(openDatabase(file, readonly), file);
    store.tidyOnClose = readonly && !hadWal;
    // Version 3 added bar_summaries: fill it for the bars already stored.
    migrate(store.db, file, readonly, () => store.refreshAllSummaries());
    return store;
  }

  close(): void {
    this.db.close();
    // A read-only connection cannot remove the -wal and -shm files SQLite made for it; the
    // last connection to close does, and a checkpoint of an empty log writes nothing. While
    // a writer has the store open, this one is not the last, and they stay for it.
    if (this.tidyOnClose) releaseSideFiles(this.file);
  }

  schemaVersion(): number {
    return schemaVersion(this.db);
  }

  /** A consistent copy of the whole store in a new file. */
  copyTo(file: string): void {
    this.db.prepare('VACUUM INTO ?').run(file);
  }

  /**
   * A new store with what a new home would hold (a replay's own store): the
   * bars, symbols and revisions, without this home's learning state — its
   * weights and their history, learnt from outcomes a replay must not see yet,
   * and the index of ledgers the new store does not have.
   */
  copyMarketTo(file: string): void {
    this.copyTo(file);
    const copy = PriceStore.open(file);
    try {
      copy.transaction(() => {
        copy.weights.clear();
        copy.ledgerIndex.clear();
      });
    } finally {
      copy.close();
    }
  }

  upsertSymbol(info: SymbolInfo, source: string, now: string): void {
    this.db
      .prepare(
        `INSERT INTO symbols (symbol, exchange, timezone, currency, name, sector, synthetic, source, updated_at)
         VALUES (@symbol, @exchange, @timezone, @currency, @name, @sector, @synthetic, @source, @now)
         ON CONFLICT(symbol) DO UPDATE SET
           exchange = excluded.exchange, timezone = excluded.timezone,
           currency = COALESCE(excluded.currency, symbols.currency),
           name = COALESCE(excluded.name, symbols.name),
           sector = COALESCE(excluded.sector, symbols.sector),
           synthetic = excluded.synthetic, source = excluded.source, updated_at = excluded.updated_at
         WHERE symbols.exchange IS NOT excluded.exchange OR symbols.timezone IS NOT excluded.timezone
           OR symbols.synthetic IS NOT excluded.synthetic OR symbols.source IS NOT excluded.source
           OR (excluded.name IS NOT NULL AND symbols.name IS NOT excluded.name)
           OR (excluded.sector IS NOT NULL AND symbols.sector IS NOT excluded.sector)
           OR (excluded.currency IS NOT NULL AND symbols.currency IS NOT excluded.currency)`,
      )
      .run({ ...info, synthetic: info.synthetic ? 1 : 0, source, now });
  }

  /**
   * Write bars for one symbol. Identical bars are left alone (so importing a
   * file twice changes nothing); a changed bar is rewritten and the revision
   * recorded with both versions. Call inside `transaction` for many symbols.
   */
  upsertBars(
    symbol: string,
    bars: readonly RawBar[],
    source: string,
    fetchedAt: string,
  ): UpsertResult {
    const result = writeBars(this.db, symbol, bars, source, fetchedAt);
    const info = this.symbolInfo(symbol);
    if (info && (result.inserted + result.updated > 0 || !summaryIsCurrent(this.db, info)))
      writeSummary(this.db, info, this.bars(symbol));
    return result;
  }

  /** Recount every symbol's summary from its bars (doctor --reindex; the migration to version 3). */
  refreshAllSummaries(): void {
    this.db.exec('DELETE FROM bar_summaries');
    for (const symbol of this.symbolNames()) this.refreshSummary(symbol);
  }

  /** Recount one symbol's summary from its bars. */
  refreshSummary(symbol: string): void {
    const info = this.symbolInfo(symbol);
    if (info) writeSummary(this.db, info, this.bars(symbol));
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  symbolInfo(symbol: string): SymbolInfo | null {
    // Prepared once: predict asks for every symbol, and a backtest at every session.
    this.symbolRow ??= this.db.prepare('SELECT * FROM symbols WHERE symbol = ?');
    const row = this.symbolRow.get(symbol) as
      (Omit<SymbolInfo, 'synthetic'> & { synthetic: number }) | undefined;
    return row ? { ...pickInfo(row), synthetic: row.synthetic === 1 } : null;
  }

  /** Every symbol with bars, with its summary: one row read per symbol, however many bars. */
  listSymbols(): SymbolSummary[] {
    return this.summaries('', []);
  }

  /** One symbol with its summary, or null when it has no bars. */
  symbolSummary(symbol: string): SymbolSummary | null {
    return this.summaries('WHERE s.symbol = ?', [symbol])[0] ?? null;
  }

  private summaries(where: string, params: readonly unknown[]): SymbolSummary[] {
    const rows = this.db
      .prepare(
        `SELECT s.*, q.rows, q.first, q.last, q.missing_sessions, q.zero_volume_days, q.splits,
                q.dividends, q.suspicious_moves
         FROM symbols s JOIN bar_summaries q ON q.symbol = s.symbol ${where} ORDER BY s.symbol`,
      )
      .all(...params) as (Omit<SymbolInfo, 'synthetic'> &
      BarSummary & { synthetic: number; source: string })[];
    return rows.map((row) => ({
      ...pickInfo(row),
      synthetic: row.synthetic === 1,
      source: row.source,
      rows: row.rows,
      first: row.first,
      last: row.last,
      missing_sessions: row.missing_sessions,
      zero_volume_days: row.zero_volume_days,
      splits: row.splits,
      dividends: row.dividends,
      suspicious_moves: row.suspicious_moves,
    }));
  }

  /** The raw bars of a symbol, ascending; `until` (inclusive) truncates the history. */
  bars(symbol: string, options: { from?: string; until?: string } = {}): StoredBar[] {
    return readBars(this.db, symbol, options);
  }

  /** The date of the symbol's last stored bar on or before `until`, or null. */
  lastBarDate(symbol: string, until = '9999-12-31'): string | null {
    return (
      (this.db
        .prepare('SELECT MAX(date) FROM bars WHERE symbol = ? AND date <= ?')
        .pluck()
        .get(symbol, until) as string | null) ?? null
    );
  }

  /** Every stored symbol, without the per-symbol aggregates of listSymbols. */
  symbolNames(): string[] {
    return this.db.prepare('SELECT symbol FROM symbols ORDER BY symbol').pluck().all() as string[];
  }

  /**
   * The adjusted series of a symbol. With `until`, only bars up to that date
   * exist as far as the adjustment is concerned (no later split or dividend leaks in).
   */
  adjusted(symbol: string, options: { from?: string; until?: string } = {}): AdjustedSeries {
    const bars = this.bars(symbol, options);
    if (bars.length === 0 && !this.symbolInfo(symbol)) {
      throw unknownSymbolError(symbol);
    }
    return adjustBars(symbol, bars);
  }

  barCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM bars').get() as { n: number }).n;
  }

  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }

  /** How many revisions of a symbol's bars the store has logged. */
  revisionCount(symbol: string): number {
    return revisionCount(this.db, symbol);
  }

  /** Bars that may fail the bar checks (see bar-repairs.ts); the caller decides. */
  suspectBars(options: Parameters<typeof suspectBars>[1]): ListedBar[] {
    return suspectBars(this.db, options);
  }

  /** Move bars into the revision log (never lost) and recount their symbols' summaries. */
  removeBars(
    bars: readonly { symbol: string; date: string; reason: string }[],
    seenAt: string,
  ): void {
    this.transaction(() => {
      moveBarsToRevisions(this.db, bars, seenAt);
      for (const symbol of new Set(bars.map((b) => b.symbol))) this.refreshSummary(symbol);
    });
  }
}

export function unknownSymbolError(symbol: string): DataError {
  return new DataError(
    `unknown symbol ${symbol}: it is not in the store`,
    'see what is stored with mlx data ls; add it with mlx data fetch or mlx data import',
  );
}

function pickInfo(row: Omit<SymbolInfo, 'synthetic'>): Omit<SymbolInfo, 'synthetic'> {
  return {
    symbol: row.symbol,
    exchange: row.exchange,
    timezone: row.timezone,
    currency: row.currency,
    name: row.name,
    sector: row.sector,
  };
}
