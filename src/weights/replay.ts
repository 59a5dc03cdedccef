import type Database from 'better-sqlite3';
import type { Config } from '../config.ts';
import type { Prediction, Verification } from '../ledger/records.ts';
import { movesWeights } from '../ledger/views.ts';
import { WeightState, type WeightChange } from './update.ts';

/** The current weights, loaded to continue updating. */
export function loadWeightState(db: Database.Database, config: Config): WeightState {
  const rows = db
    .prepare('SELECT symbol, signal, weight FROM signal_weights ORDER BY symbol, signal')
    .all() as { symbol: string; signal: string; weight: number }[];
  return new WeightState(config.adaptation, rows);
}

export function saveWeightChanges(
  db: Database.Database,
  state: WeightState,
  changes: readonly WeightChange[],
  now: string,
): void {
  const upsert = db.prepare(
    `INSERT INTO signal_weights (symbol, signal, weight, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(symbol, signal) DO UPDATE SET weight = excluded.weight, updated_at = excluded.updated_at`,
  );
  const log = db.prepare(
    'INSERT INTO weight_changes (prediction_id, symbol, signal, previous, current, reason, verified_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    const touched = new Set(changes.map((c) => `${c.symbol}\u0000${c.signal}`));
    for (const key of touched) {
      const [symbol, signal] = key.split('\u0000');
      upsert.run(symbol, signal, state.get(symbol, signal), now);
    }
    for (const c of changes)
      log.run(c.prediction_id, c.symbol, c.signal, c.previous, c.current, c.reason, c.verified_at);
  })();
}

/**
 * Rebuild weights from scratch by replaying every verification in ledger
 * order against its prediction (both from the rebuilt index).
 */
export function rebuildWeights(db: Database.Database, config: Config): number {
  db.exec('DELETE FROM signal_weights; DELETE FROM weight_changes;');
  const rows = db
    .prepare(
      `SELECT p.record AS prediction, v.record AS verification, v.verified_at AS verified_at
       FROM verification_index v JOIN prediction_index p ON p.id = v.prediction_id
       ORDER BY v.file, v.line`,
    )
    .all() as { prediction: string; verification: string; verified_at: string }[];
  const state = new WeightState(config.adaptation);
  const changes: WeightChange[] = [];
  for (const row of rows) {
    const prediction = JSON.parse(row.prediction) as Prediction;
    if (!movesWeights(prediction)) continue;
    changes.push(...state.apply(prediction, JSON.parse(row.verification) as Verification));
  }
  saveWeightChanges(db, state, changes, rows.at(-1)?.verified_at ?? new Date(0).toISOString());
  return changes.length;
}
