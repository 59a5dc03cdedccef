import type Database from 'better-sqlite3';
import type { LedgerEntry } from './ledger.ts';
import type { Prediction, Verification } from './records.ts';

/**
 * The SQLite index of the ledgers: fast look-ups for verify and report.
 * Derived state — `mlx doctor --reindex` rebuilds it from the ledger files.
 */
export function indexPredictions(
  db: Database.Database,
  entries: readonly LedgerEntry<Prediction>[],
): number {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO prediction_index
       (id, symbol, as_of, target_date, horizon_days, model_name, model_version, created_at, file, line, record)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let added = 0;
  db.transaction(() => {
    for (const { record: p, file, line } of entries) {
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

export function indexVerifications(
  db: Database.Database,
  entries: readonly LedgerEntry<Verification>[],
): number {
  // One row per prediction: its latest verification in ledger order (a re-score supersedes).
  const insert = db.prepare(
    `INSERT INTO verification_index (prediction_id, symbol, verified_at, status, file, line, record)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(prediction_id) DO UPDATE SET
       symbol = excluded.symbol, verified_at = excluded.verified_at, status = excluded.status,
       file = excluded.file, line = excluded.line, record = excluded.record
     WHERE excluded.file > verification_index.file
        OR (excluded.file = verification_index.file AND excluded.line > verification_index.line)`,
  );
  let added = 0;
  db.transaction(() => {
    for (const { record: v, file, line } of entries) {
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

export function indexedPredictionIds(db: Database.Database): Set<string> {
  return new Set(db.prepare('SELECT id FROM prediction_index').pluck().all() as string[]);
}

/** Predictions the index says were verified: it remembers a verification whose line was later damaged. */
export function indexedVerificationIds(db: Database.Database): Set<string> {
  return new Set(
    db.prepare('SELECT prediction_id FROM verification_index').pluck().all() as string[],
  );
}

/** The records the index holds, as committed (doctor --repair restores lost ones from here). */
export function indexedRecords(
  db: Database.Database,
  table: 'prediction_index' | 'verification_index',
): { file: string; record: string }[] {
  return db.prepare(`SELECT file, record FROM ${table} ORDER BY file, line`).all() as {
    file: string;
    record: string;
  }[];
}

export function clearLedgerIndex(db: Database.Database): void {
  db.exec('DELETE FROM prediction_index; DELETE FROM verification_index;');
}
