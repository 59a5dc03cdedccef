import type Database from 'better-sqlite3';

/**
 * Per-stock signal weights: multipliers on each rule signal's default value
 * and on each model component, plus two seed-system knobs — `magnitude`
 * (scales the predicted change) and `confidence` (scales stated confidence).
 * All start at 1 and move only through verified outcomes (see verify).
 */
export const NEUTRAL_WEIGHT = 1;

export type WeightTable = ReadonlyMap<string, number>;

export function weightOf(table: WeightTable, signal: string): number {
  return table.get(signal) ?? NEUTRAL_WEIGHT;
}

/** Every stored weight of every symbol: symbol → (signal → weight). */
export function readAllWeights(db: Database.Database): Map<string, Map<string, number>> {
  const all = new Map<string, Map<string, number>>();
  const rows = db.prepare('SELECT symbol, signal, weight FROM signal_weights').all() as {
    symbol: string;
    signal: string;
    weight: number;
  }[];
  for (const row of rows) {
    const table = all.get(row.symbol) ?? new Map<string, number>();
    table.set(row.signal, row.weight);
    all.set(row.symbol, table);
  }
  return all;
}
