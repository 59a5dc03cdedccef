import type { Context } from '../context.ts';
import { UsageError } from '../errors.ts';
import { Ledger } from '../ledger/ledger.ts';
import {
  predictionSchema,
  verificationSchema,
  type Prediction,
  type Verification,
} from '../ledger/records.ts';
import { latestVerifications, uniquePredictions } from '../ledger/views.ts';
import { assertHomeExists } from '../session.ts';
import { resolveSince } from '../calendar/since.ts';

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

export interface PredictionsOptions extends Selection {
  asOf?: string;
  since?: string;
  symbol?: string;
}

export interface PredictionListing {
  /** The session shown when neither --as-of nor --since was given: the latest in the ledger. */
  session: string | null;
  predictions: Prediction[];
  /** Each listed prediction's latest verification, when it has one. */
  verifications: Map<string, Verification>;
  /** Unreadable ledger lines skipped (mlx doctor reports and repairs them). */
  skippedLines: number;
}

/**
 * `mlx predictions`: records already in the ledger — one session (--as-of,
 * default the latest), or every session since a date — each prediction id
 * once, in ledger order unless sorted.
 */
export function listPredictions(ctx: Context, options: PredictionsOptions): PredictionListing {
  if (options.asOf !== undefined && options.since !== undefined)
    throw new UsageError('--as-of names one session and --since a range: pass one of them');
  if (options.sort !== undefined) parseSortField(options.sort);
  const since = resolveSince(options.since, ctx.now());
  assertHomeExists(ctx);
  const ledger = new Ledger(ctx.home.predictionsDir, predictionSchema);
  // Files are by month of as_of: read only the months that can hold the answer.
  const fromMonth = (options.asOf ?? since)?.slice(0, 7);
  const files = ledger
    .files()
    .filter((f) => fromMonth === undefined || f.slice(-13, -6) >= fromMonth)
    .filter((f) => options.asOf === undefined || f.slice(-13, -6) === options.asOf.slice(0, 7));
  const read = ledger.read(files);
  let records = uniquePredictions(read.entries).entries.map((e) => e.record);
  if (options.symbol !== undefined) records = records.filter((r) => r.symbol === options.symbol);
  let session: string | null = null;
  if (options.asOf !== undefined) records = records.filter((r) => r.as_of === options.asOf);
  else if (since !== undefined) records = records.filter((r) => r.as_of >= since);
  else {
    session = records.reduce<string | null>(
      (a, r) => (a === null || r.as_of > a ? r.as_of : a),
      null,
    );
    records = records.filter((r) => r.as_of === session);
  }
  const predictions = selectPredictions(records, options);
  const ids = new Set(predictions.map((p) => p.id));
  const verifications = new Map(
    [
      ...latestVerifications(
        new Ledger(ctx.home.verificationsDir, verificationSchema).read().entries,
      ),
    ].filter(([id]) => ids.has(id)),
  );
  return { session, predictions, verifications, skippedLines: read.problems.length };
}
