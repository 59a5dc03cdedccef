import type Database from 'better-sqlite3';

/** One stored weight: a symbol's (or '*', all symbols') multiplier or figure for a signal. */
export interface WeightRow {
  symbol: string;
  signal: string;
  weight: number;
}

/** One logged move of a weight, and the verified prediction that made it. */
export interface WeightChangeRow {
  prediction_id: string;
  symbol: string;
  signal: string;
  previous: number;
  current: number;
  reason: string;
  verified_at: string;
}

/**
 * signal_weights and weight_changes: the learning loop's state and its
 * history. Derived state — replayed from the ledgers by mlx doctor --reindex.
 */
export class WeightStore {
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
  }

  /** Every stored weight, ordered by symbol and signal. */
  rows(): WeightRow[] {
    return this.db
      .prepare('SELECT symbol, signal, weight FROM signal_weights ORDER BY symbol, signal')
      .all() as WeightRow[];
  }

  /** Every stored weight of every symbol: symbol → (signal → weight). */
  bySymbol(): Map<string, Map<string, number>> {
    const all = new Map<string, Map<string, number>>();
    const rows = this.db
      .prepare('SELECT symbol, signal, weight FROM signal_weights')
      .all() as WeightRow[];
    for (const row of rows) {
      const table = all.get(row.symbol) ?? new Map<string, number>();
      table.set(row.signal, row.weight);
      all.set(row.symbol, table);
    }
    return all;
  }

  /** A symbol's logged weight changes, oldest first. */
  history(symbol: string): WeightChangeRow[] {
    return this.db
      .prepare(
        'SELECT prediction_id, symbol, signal, previous, current, reason, verified_at FROM weight_changes WHERE symbol = ? ORDER BY id',
      )
      .all(symbol) as WeightChangeRow[];
  }

  /** Store the new value (`weightOf`) of every weight `changes` touched, and log the changes. */
  save(
    weightOf: (symbol: string, signal: string) => number,
    changes: readonly WeightChangeRow[],
    now: string,
  ): void {
    const upsert = this.db.prepare(
      `INSERT INTO signal_weights (symbol, signal, weight, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(symbol, signal) DO UPDATE SET weight = excluded.weight, updated_at = excluded.updated_at`,
    );
    const log = this.db.prepare(
      'INSERT INTO weight_changes (prediction_id, symbol, signal, previous, current, reason, verified_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      const touched = new Set(changes.map((c) => `${c.symbol}\u0000${c.signal}`));
      for (const key of touched) {
        const [symbol, signal] = key.split('\u0000');
        upsert.run(symbol, signal, weightOf(symbol, signal), now);
      }
      for (const c of changes)
        log.run(
          c.prediction_id,
          c.symbol,
          c.signal,
          c.previous,
          c.current,
          c.reason,
          c.verified_at,
        );
    })();
  }

  clear(): void {
    this.db.exec('DELETE FROM signal_weights; DELETE FROM weight_changes;');
  }
}
