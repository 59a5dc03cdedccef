import type Database from 'better-sqlite3';

/**
 * Weights the learning loop keeps (see update.ts): per stock, a multiplier on
 * each component of its ensemble score and its count of verified outcomes;
 * for all stocks (`*`), the components' multipliers, the interval width and
 * the odds multipliers of P(up) and P(outperform). All start neutral and move
 * only through verified outcomes (see verify).
 */
export const NEUTRAL_WEIGHT = 1;

/** A stock's independent verified outcomes so far (a count, not a multiplier). */
export const EVIDENCE = 'evidence';

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

/**
 * The weight a stock's component gets at prediction time: its own once it has
 * `minEvidence` verified outcomes, the all-stock weight before that.
 */
export function componentWeight(
  own: WeightTable,
  all: WeightTable,
  component: string,
  minEvidence: number,
): number {
  return (own.get(EVIDENCE) ?? 0) >= minEvidence
    ? weightOf(own, component)
    : weightOf(all, component);
}
