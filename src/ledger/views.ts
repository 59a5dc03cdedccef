import type { LedgerEntry } from './ledger.ts';
import type { Prediction, Verification } from './records.ts';

/**
 * How readers see the ledgers (pure): each prediction id once (the first
 * line; later copies are duplicates, reported by doctor), and for each
 * prediction its latest verification in ledger order — a re-score appends a
 * record that supersedes the earlier one, it never edits it.
 */
export interface UniquePredictions {
  entries: LedgerEntry<Prediction>[];
  /** Later lines repeating an id already seen. */
  duplicates: LedgerEntry<Prediction>[];
}

export function uniquePredictions(entries: readonly LedgerEntry<Prediction>[]): UniquePredictions {
  const seen = new Set<string>();
  const result: UniquePredictions = { entries: [], duplicates: [] };
  for (const entry of entries) {
    if (seen.has(entry.record.id)) result.duplicates.push(entry);
    else {
      seen.add(entry.record.id);
      result.entries.push(entry);
    }
  }
  return result;
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
