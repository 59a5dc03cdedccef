import type { WeightRow } from '../store/weight-store.ts';

/**
 * Weights the learning loop keeps (see update.ts): per stock, a multiplier on
 * each component of its ensemble score and its count of verified outcomes;
 * for all stocks (`*`), the components' multipliers, the interval width and
 * the odds multipliers of P(up) and P(outperform). All start neutral and move
 * only through verified outcomes (see verify).
 */
export const NEUTRAL_WEIGHT = 1;

/** The all-symbol weights live under this pseudo-symbol; per-stock weights shrink toward them. */
export const ALL_SYMBOLS = '*';

/** A stock's independent verified outcomes so far (a count, not a multiplier). */
export const EVIDENCE = 'evidence';

export type WeightTable = ReadonlyMap<string, number>;

export function weightOf(table: WeightTable, signal: string): number {
  return table.get(signal) ?? NEUTRAL_WEIGHT;
}

/**
 * The per-stock multipliers among stored weights (of `symbol`, if given), in
 * the rows' order: not the all-stock figures, and not a stock's evidence,
 * which is a count of outcomes, not a weight.
 */
export function stockMultipliers(rows: readonly WeightRow[], symbol?: string): WeightRow[] {
  return rows.filter(
    (w) => w.symbol !== ALL_SYMBOLS && w.signal !== EVIDENCE && (!symbol || w.symbol === symbol),
  );
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
