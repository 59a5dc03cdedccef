import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DataError, UsageError } from '../errors.ts';
import { adjustBars } from './adjust.ts';
import { summaryIsCurrent, writeSummary, type BarSummary } from './bar-summaries.ts';
import { MIGRATIONS } from './migrations.ts';
import type { AdjustedSeries, RawBar, StoredBar, SymbolInfo } from './types.ts';

export interface UpsertResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** A stored symbol, its range and row count, and the counts of its quality flags. */
export interface SymbolSummary extends SymbolInfo, BarSummary {
  source: string;
}

interface BarRow {
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  dividend: number;
  split: number;
  adj_close: number | null;
  source: string;
  fetched_at: string;
}

/**
 * The SQLite price store (data/mlx.db, WAL). Bars are kept as traded; the
 * adjusted view is derived on read by `adjustBars`.
 */
export class PriceStore {
  readonly db: Database.Database;
  readonly file: string;

  private constructor(db: Database.Database, file: string) {
    this.db = db;
    this.file = file;
  }

  /** Open (creating and migrating if needed). `readonly` never creates or migrates. */
  static open(file: string, options: { readonly?: boolean } = {}): PriceStore {
    if (options.readonly && !fs.existsSync(file)) {
      throw new DataError(
        `no price store at ${file}`,
        'import or fetch data first: mlx data import FILE... or mlx data fetch SYMBOL...',
      );
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(file, { readonly: options.readonly ?? false });
      db.pragma('busy_timeout = 10000');
      if (!options.readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
      }
      db.pragma('foreign_keys = ON');
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (['SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PERM'].includes(code)) {
        throw new UsageError(
          `cannot open the price store ${file}: ${(err as Error).message} (${code})`,
          'check the permissions of the home and of data/ (ls -l), or choose another --home',
        );
      }
      throw new DataError(
        `cannot open the price store ${file}: ${(err as Error).message}${code ? ` (${code})` : ''}`,
        'run mlx doctor; a damaged store can be moved aside and the data imported or fetched again (mlx doctor --reindex rebuilds the rest from the ledgers)',
      );
    }
    const store = new PriceStore(db, file);
    store.migrate(options.readonly ?? false);
    return store;
  }

  close(): void {
    this.db.close();
  }

  schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private migrate(readonly: boolean): void {
    const version = this.schemaVersion();
    if (version > MIGRATIONS.length) {
      throw new DataError(
        `${this.file} has schema version ${version}, newer than this mlx understands (${MIGRATIONS.length})`,
        'upgrade mlx',
      );
    }
    if (version === MIGRATIONS.length) return;
    if (readonly) {
      throw new DataError(
        `${this.file} needs a schema migration`,
        'run any writing mlx command once',
      );
    }
    // IMMEDIATE, and the version read again inside: two processes opening an old store
    // at once migrate it once (the second waits, then finds nothing to do).
    this.db
      .transaction(() => {
        const from = this.schemaVersion();
        for (let v = from; v < MIGRATIONS.length; v++) this.db.exec(MIGRATIONS[v]);
        // Version 3 added bar_summaries: fill it for the bars already stored.
        if (from > 0 && from < 3) this.refreshAllSummaries();
        this.db.pragma(`user_version = ${MIGRATIONS.length}`);
      })
      .immediate();
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
    const existing = new Map<string, BarRow>();
    for (const row of this.db
      .prepare('SELECT * FROM bars WHERE symbol = ?')
      .iterate(symbol) as IterableIterator<BarRow>) {
      existing.set(row.date, row);
    }
    const insert = this.db.prepare(
      `INSERT OR REPLACE INTO bars (symbol, date, open, high, low, close, volume, dividend, split, adj_close, source, fetched_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const revision = this.db.prepare(
      'INSERT INTO bar_revisions (symbol, date, seen_at, source, previous, current) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0 };
    for (const bar of bars) {
      const old = existing.get(bar.date);
      if (old && sameBar(old, bar)) {
        result.unchanged++;
        continue;
      }
      if (old) {
        revision.run(
          symbol,
          bar.date,
          fetchedAt,
          source,
          JSON.stringify(toRaw(old)),
          JSON.stringify(bar),
        );
        result.updated++;
      } else {
        result.inserted++;
      }
      insert.run(
        symbol,
        bar.date,
        bar.open,
        bar.high,
        bar.low,
        bar.close,
        bar.volume,
        bar.dividend,
        bar.split,
        bar.adjClose,
        source,
        fetchedAt,
      );
    }
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
    const row = this.db.prepare('SELECT * FROM symbols WHERE symbol = ?').get(symbol) as
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
    // Raw rows and object literals: several times faster than row objects and spreads
    // on a quarter of a million bars (predict reads every symbol's history).
    const rows = this.db
      .prepare(
        `SELECT date, open, high, low, close, volume, dividend, split, adj_close, source, fetched_at
         FROM bars WHERE symbol = ? AND date >= ? AND date <= ? ORDER BY date`,
      )
      .raw()
      .all(symbol, options.from ?? '', options.until ?? '9999-12-31') as [
      string,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number | null,
      string,
      string,
    ][];
    const bars = new Array<StoredBar>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      bars[i] = {
        date: r[0],
        open: r[1],
        high: r[2],
        low: r[3],
        close: r[4],
        volume: r[5],
        dividend: r[6],
        split: r[7],
        adjClose: r[8],
        source: r[9],
        fetchedAt: r[10],
      };
    }
    return bars;
  }

  /** Every stored symbol, without the per-symbol aggregates of listSymbols. */
  symbolNames(): string[] {
    return this.db.prepare('SELECT symbol FROM symbols ORDER BY symbol').pluck().all() as string[];
  }

  /**
   * The adjusted series of a symbol. With `until`, only bars up to that date
   * exist as far as the adjustment is concerned (no later split or dividend leaks in).
   */
  adjusted(symbol: string, options: { until?: string } = {}): AdjustedSeries {
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
}

export function unknownSymbolError(symbol: string): DataError {
  return new DataError(
    `unknown symbol ${symbol}: it is not in the store`,
    'see what is stored with mlx data ls; add it with mlx data fetch or mlx data import',
  );
}

function toRaw(row: BarRow): RawBar {
  return {
    date: row.date,
    open: row.open,
    high: row.high,
    low: row.low,
    close: row.close,
    volume: row.volume,
    dividend: row.dividend,
    split: row.split,
    adjClose: row.adj_close,
  };
}

function sameBar(row: BarRow, bar: RawBar): boolean {
  return (
    row.open === bar.open &&
    row.high === bar.high &&
    row.low === bar.low &&
    row.close === bar.close &&
    row.volume === bar.volume &&
    row.dividend === bar.dividend &&
    row.split === bar.split &&
    row.adj_close === bar.adjClose
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
