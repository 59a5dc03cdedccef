import type { LedgerEntry } from './ledger.ts';
import type { Prediction, Verification } from './records.ts';

/**
 * How readers see the ledgers (pure): one prediction per stock, session and
 * horizon — the first line for it, unless a later one says it `supersedes`
 * that one (predict --replace) — each id once (later copies are duplicates,
 * reported by doctor), and for each prediction its latest verification in
 * ledger order: a re-score appends a record that supersedes the earlier one,
 * it never edits it.
 */
export interface UniquePredictions {
  entries: LedgerEntry<Prediction>[];
  /** Later lines repeating an id already seen. */
  duplicates: LedgerEntry<Prediction>[];
  /**
   * Predictions for a stock, session and horizon that already had one: a
   * second model version's, written by an mlx that predicted a session twice,
   * or one a `supersedes` record replaced. Readers and the weights leave them out.
   */
  shadowed: LedgerEntry<Prediction>[];
}

/** What one prediction per stock, session and horizon is keyed by. */
export function predictionKey(p: Pick<Prediction, 'symbol' | 'as_of' | 'horizon_days'>): string {
  return `${p.symbol}|${p.as_of}|${p.horizon_days}`;
}

export function uniquePredictions(entries: readonly LedgerEntry<Prediction>[]): UniquePredictions {
  const seen = new Set<string>();
  const byKey = new Map<string, number>();
  const kept: (LedgerEntry<Prediction> | null)[] = [];
  const result: UniquePredictions = { entries: [], duplicates: [], shadowed: [] };
  for (const entry of entries) {
    const { record } = entry;
    if (seen.has(record.id)) {
      result.duplicates.push(entry);
      continue;
    }
    seen.add(record.id);
    const key = predictionKey(record);
    const at = byKey.get(key);
    const holder = at === undefined ? null : kept[at];
    if (holder === null || at === undefined) {
      byKey.set(key, kept.length);
      kept.push(entry);
    } else if (record.supersedes === holder.record.id) {
      // The replacement takes the place of the one it replaces, in ledger order.
      result.shadowed.push(holder);
      kept[at] = null;
      byKey.set(key, kept.length);
      kept.push(entry);
    } else result.shadowed.push(entry);
  }
  result.entries = kept.filter((e): e is LedgerEntry<Prediction> => e !== null);
  return result;
}

/** A verification readers refuse, and why. */
export interface RefusedVerification {
  entry: LedgerEntry<Verification>;
  reason: string;
}

/**
 * Verifications readers can trust: of a prediction the ledger holds, for its
 * symbol and session, and — when scored — made no earlier than its target
 * session. A line forged for an unknown prediction, or one "verified" before
 * its outcome existed, is refused and named; one of a shadowed prediction
 * (see uniquePredictions) is left out, as its prediction is.
 */
export function admissibleVerifications(
  predictions: UniquePredictions,
  entries: readonly LedgerEntry<Verification>[],
): { entries: LedgerEntry<Verification>[]; refused: RefusedVerification[] } {
  const visible = new Map(predictions.entries.map((e) => [e.record.id, e.record]));
  const shadowed = new Set(predictions.shadowed.map((e) => e.record.id));
  const result = {
    entries: [] as LedgerEntry<Verification>[],
    refused: [] as RefusedVerification[],
  };
  for (const entry of entries) {
    const v = entry.record;
    if (shadowed.has(v.prediction_id)) continue;
    const p = visible.get(v.prediction_id);
    const reason = !p
      ? `verifies prediction ${v.prediction_id}, which no prediction ledger line holds`
      : p.symbol !== v.symbol || p.as_of !== v.as_of
        ? `names ${v.symbol} on ${v.as_of}, but prediction ${v.prediction_id} is ${p.symbol} on ${p.as_of}`
        : v.status === 'verified' && !dueBy(p.target_date, v.verified_at)
          ? `verified at ${v.verified_at}, before its target session ${p.target_date} closed`
          : null;
    if (reason) result.refused.push({ entry, reason });
    else result.entries.push(entry);
  }
  return result;
}

/**
 * Whether a verification made at `verifiedAt` (UTC) can follow the close of
 * `targetDate` (the exchange's date): a day's slack for exchanges ahead of UTC.
 */
function dueBy(targetDate: string, verifiedAt: string): boolean {
  const slack = new Date(`${targetDate}T00:00:00Z`);
  slack.setUTCDate(slack.getUTCDate() - 1);
  return verifiedAt.slice(0, 10) >= slack.toISOString().slice(0, 10);
}

/** Each prediction's latest verification (ledger order: files by month, then lines). */
export function latestVerifications(
  entries: readonly LedgerEntry<Verification>[],
): Map<string, Verification> {
  const latest = new Map<string, Verification>();
  for (const { record } of entries) latest.set(record.prediction_id, record);
  return latest;
}

/**
 * Verification lines that repeat a prediction already verified without saying
 * they supersede it: a prediction scored twice (a duplicated line, or the
 * double scoring of older versions). Readers already take the latest; doctor
 * --repair moves these aside.
 */
export function repeatedVerifications(
  entries: readonly LedgerEntry<Verification>[],
): LedgerEntry<Verification>[] {
  const seen = new Set<string>();
  const repeated: LedgerEntry<Verification>[] = [];
  for (const entry of entries) {
    const id = entry.record.prediction_id;
    if (seen.has(id) && entry.record.supersedes === undefined) repeated.push(entry);
    seen.add(id);
  }
  return repeated;
}

/** Whether a verified prediction moves the adaptive weights: in-sample ones do not. */
export function movesWeights(prediction: Prediction): boolean {
  return prediction.in_sample !== true;
}
