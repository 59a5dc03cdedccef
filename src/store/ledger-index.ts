import type Database from 'better-sqlite3';
import type { LedgerEntry } from '../ledger/ledger.ts';
import type { Prediction, Verification } from '../ledger/records.ts';

/** An indexed record as committed: its ledger file and its JSON text. */
export interface IndexedRecord {
  file: string;
  record: string;
}

/**
 * The SQLite index of the ledgers: fast look-ups for verify and report.
 * Derived state — `mlx doctor --reindex` rebuilds it from the ledger files.
 */
export class LedgerIndex {
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
  }

  /** Index predictions not indexed yet; returns how many were added. */
  addPredictions(entries: readonly LedgerEntry<Prediction>[]): number {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO prediction_index
         (id, symbol, as_of, target_date, horizon_days, model_name, model_version, created_at, file, line, record)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Catching up re-reads whole ledgers: only what the index lacks is written (a lookup by
    // id, not an insert with its JSON, per line already indexed). Looked up one by one, not
    // read whole: a backtest appends after every session, and the index grows all along.
    const known = this.db.prepare('SELECT 1 FROM prediction_index WHERE id = ?').pluck();
    let added = 0;
    this.db.transaction(() => {
      for (const { record: p, file, line } of entries) {
        if (known.get(p.id) !== undefined) continue;
        added += insert.run(
          p.id,
          p.symbol,
          p.as_of,
          p.target_date,
          p.horizon_days,
          p.model.name,
          p.model.version,
          p.created_at,
          file,
          line,
          JSON.stringify(p),
        ).changes;
      }
    })();
    return added;
  }

  /** Index verifications: one row per prediction, its latest in ledger order (a re-score supersedes). */
  addVerifications(entries: readonly LedgerEntry<Verification>[]): number {
    const insert = this.db.prepare(
      `INSERT INTO verification_index (prediction_id, symbol, verified_at, status, file, line, record)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(prediction_id) DO UPDATE SET
         symbol = excluded.symbol, verified_at = excluded.verified_at, status = excluded.status,
         file = excluded.file, line = excluded.line, record = excluded.record
       WHERE excluded.file > verification_index.file
          OR (excluded.file = verification_index.file AND excluded.line > verification_index.line)`,
    );
    // As for predictions: a line at or before the indexed one for its prediction changes nothing.
    const indexed = this.db.prepare(
      'SELECT file, line FROM verification_index WHERE prediction_id = ?',
    );
    let added = 0;
    this.db.transaction(() => {
      for (const { record: v, file, line } of entries) {
        const at = indexed.get(v.prediction_id) as { file: string; line: number } | undefined;
        if (at && (file < at.file || (file === at.file && line <= at.line))) continue;
        added += insert.run(
          v.prediction_id,
          v.symbol,
          v.verified_at,
          v.status,
          file,
          line,
          JSON.stringify(v),
        ).changes;
      }
    })();
    return added;
  }

  /** Predictions the index says were verified: it remembers a verification whose line was later damaged. */
  verifiedIds(): Set<string> {
    return new Set(
      this.db.prepare('SELECT prediction_id FROM verification_index').pluck().all() as string[],
    );
  }

  verificationCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM verification_index').get() as { n: number })
      .n;
  }

  /** The records the index holds, as committed (doctor --repair restores lost ones from here). */
  records(ledger: 'predictions' | 'verifications'): IndexedRecord[] {
    const table = ledger === 'predictions' ? 'prediction_index' : 'verification_index';
    return this.db
      .prepare(`SELECT file, record FROM ${table} ORDER BY file, line`)
      .all() as IndexedRecord[];
  }

  /**
   * Every indexed verification with its prediction (JSON texts), in the order
   * live verification applies them — by verification time, then as_of, symbol
   * and id within a run — whatever the order of the lines in the files, so a
   * replay after lines were moved or restored gives back exactly the live weights.
   */
  verifiedPredictions(): { prediction: string; verification: string; verified_at: string }[] {
    return this.db
      .prepare(
        `SELECT p.record AS prediction, v.record AS verification, v.verified_at AS verified_at
         FROM verification_index v JOIN prediction_index p ON p.id = v.prediction_id
         ORDER BY v.verified_at, p.as_of, p.symbol, p.id`,
      )
      .all() as { prediction: string; verification: string; verified_at: string }[];
  }

  clear(): void {
    this.db.exec('DELETE FROM prediction_index; DELETE FROM verification_index;');
  }
}
