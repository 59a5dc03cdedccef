import type Database from 'better-sqlite3';
import type { Config } from '../config.ts';
import type { Prediction, Verification } from '../ledger/records.ts';
import { WeightState, type WeightChange } from './update.ts';

/** The current weights and each symbol's recent hits, loaded to continue updating. */
export function loadWeightState(db: Database.Database, config: Config): WeightState {
  const rows = db
    .prepare('SELECT symbol, signal, weight FROM signal_weights ORDER BY symbol, signal')
    .all() as { symbol: string; signal: string; weight: number }[];
  const state = new WeightState(config.adaptation, rows);
  const recent = db
    .prepare(
      `SELECT symbol, record FROM verification_index WHERE status = 'verified' ORDER BY file, line`,
    )
    .all() as { symbol: string; record: string }[];
  const hits = new Map<string, boolean[]>();
  for (const row of recent) {
    const v = JSON.parse(row.record) as Verification;
    if (v.direction_hit === undefined) continue;
    hits.set(row.symbol, [...(hits.get(row.symbol) ?? []), v.direction_hit]);
  }
  for (const [symbol, list] of hits) state.seedHistory(symbol, list);
  return state;
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
    changes.push(
      ...state.apply(
        JSON.parse(row.prediction) as Prediction,
        JSON.parse(row.verification) as Verification,
      ),
    );
  }
  saveWeightChanges(db, state, changes, rows.at(-1)?.verified_at ?? new Date(0).toISOString());
  return changes.length;
}
