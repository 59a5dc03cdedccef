import path from 'node:path';
import type { LedgerEntry } from '../ledger/ledger.ts';
import type { Prediction, Verification } from '../ledger/records.ts';
import type { IndexedRecord } from '../store/ledger-index.ts';

/**
 * The ledgers against what the index committed (pure but for paths): lines
 * edited since, and records no line holds any more.
 */

/** Ids whose record a valid, unchanged line holds. */
export function present<T>(
  entries: readonly LedgerEntry<T>[],
  changed: readonly LedgerEntry<T>[],
  idOf: (record: T) => string,
): Set<string> {
  const edited = new Set(changed);
  return new Set(entries.filter((e) => !edited.has(e)).map((e) => idOf(e.record)));
}

/**
 * Lines whose record differs from the one the index committed for its id,
 * where that id has exactly one line (the index keeps one record per id).
 */
export function changedRecords<T>(
  entries: readonly LedgerEntry<T>[],
  indexed: readonly IndexedRecord[],
  idOf: (record: T) => string,
): LedgerEntry<T>[] {
  const committed = new Map<string, string>();
  for (const row of indexed) {
    const id = idOf(JSON.parse(row.record) as T);
    committed.set(id, canonical(withoutDigest(JSON.parse(row.record) as object)));
  }
  const byId = new Map<string, LedgerEntry<T>[]>();
  for (const entry of entries) {
    const id = idOf(entry.record);
    byId.set(id, [...(byId.get(id) ?? []), entry]);
  }
  const changed: LedgerEntry<T>[] = [];
  for (const [id, lines] of byId) {
    const record = committed.get(id);
    if (record !== undefined && lines.length === 1 && canonical(lines[0].record) !== record)
      changed.push(lines[0]);
  }
  return changed;
}

/** JSON with keys sorted: the same record whatever order its keys were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function withoutDigest(record: object): object {
  const copy = { ...record } as Record<string, unknown>;
  delete copy.digest;
  return copy;
}

export function lostRecords<T extends Prediction | Verification>(
  dir: string,
  indexed: readonly IndexedRecord[],
  present: ReadonlySet<string>,
  parse: (raw: unknown) => { success: true; data: T } | { success: false },
  idOf: (record: T) => string,
): { file: string; record: T }[] {
  const lost: { file: string; record: T }[] = [];
  for (const row of indexed) {
    const parsed = parse(JSON.parse(row.record));
    // Back into the file it came from, in this home (the index may predate a move).
    if (parsed.success && !present.has(idOf(parsed.data)))
      lost.push({ file: path.join(dir, path.basename(row.file)), record: parsed.data });
  }
  return lost;
}
