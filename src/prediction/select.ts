import { UsageError } from '../errors.ts';
import type { Prediction } from '../ledger/records.ts';

/** Fields `--sort` accepts: numbers sort highest first, text alphabetically. */
export const SORT_FIELDS = [
  'probability_up',
  'probability_outperform',
  'expected_excess_pct',
  'predicted_change_pct',
  'rank_pct',
  'ensemble_score',
  'confidence',
  'drift_pct',
  'volatility',
  'current_price',
  'as_of',
  'symbol',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export interface Selection {
  sort?: string;
  /** Default: text ascending, numbers descending. */
  ascending?: boolean;
  top?: number;
}

export function parseSortField(raw: string): SortField {
  if ((SORT_FIELDS as readonly string[]).includes(raw)) return raw as SortField;
  throw new UsageError(
    `--sort expects one of ${SORT_FIELDS.join(', ')}, got "${raw.slice(0, 40)}"`,
    'e.g. --sort probability_up --top 5',
  );
}

/**
 * Sorted by a record field (stable: ties keep ledger order), then the first
 * `top` (pure). A record without the field (`expected_excess_pct` of an
 * mlx.prediction/1 record) sorts last either way.
 */
export function selectPredictions<T extends Prediction>(
  records: readonly T[],
  selection: Selection,
): T[] {
  let list = [...records];
  if (selection.sort !== undefined) {
    const field = parseSortField(selection.sort);
    // Text reads A→Z unless told otherwise; numbers best (highest) first.
    const ascending = selection.ascending ?? (field === 'as_of' || field === 'symbol');
    const valueOf = (r: T): string | number | undefined =>
      (r as Record<string, unknown>)[field] as string | number | undefined;
    list = list
      .map((record, index) => ({ record, index, value: valueOf(record) }))
      .sort((a, b) => {
        const missingA = a.value === undefined || a.value === null;
        const missingB = b.value === undefined || b.value === null;
        if (missingA || missingB)
          return missingA === missingB ? a.index - b.index : missingA ? 1 : -1;
        if (a.value === b.value) return a.index - b.index;
        const order = (a.value as string | number) < (b.value as string | number) ? -1 : 1;
        return ascending ? order : -order;
      })
      .map((x) => x.record);
  }
  return selection.top === undefined ? list : list.slice(0, selection.top);
}
