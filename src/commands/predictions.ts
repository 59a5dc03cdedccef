import type { Context } from '../context.ts';
import { UsageError } from '../errors.ts';
import { Ledger } from '../ledger/ledger.ts';
import { predictionSchema, type Prediction, type Verification } from '../ledger/records.ts';
import { latestVerifications } from '../ledger/views.ts';
import { readLedgerView, warnAboutLedgers } from '../ledger/reader.ts';
import { assertHomeExists } from '../session.ts';
import { resolveSince } from '../calendar/since.ts';
import { parseSortField, selectPredictions, type Selection } from '../prediction/select.ts';

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
  const view = readLedgerView(ctx.home, files);
  warnAboutLedgers(ctx.log, { ...view, skipped: view.raw.verifications.problems });
  let records = view.predictions.entries.map((e) => e.record);
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
    [...latestVerifications(view.verifications)].filter(([id]) => ids.has(id)),
  );
  return {
    session,
    predictions,
    verifications,
    skippedLines: view.raw.predictions.problems.length,
  };
}
