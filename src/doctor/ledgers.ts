import path from 'node:path';
import type { HomePaths } from '../home.ts';
import { appendLines } from '../fsutil.ts';
import { Ledger, type LedgerEntry, type LedgerProblem } from '../ledger/ledger.ts';
import {
  predictionSchema,
  verificationSchema,
  type Prediction,
  type Verification,
} from '../ledger/records.ts';
import { quarantineLines, type RepairResult } from '../ledger/repair.ts';
import { repeatedVerifications, uniquePredictions } from '../ledger/views.ts';
import type { IndexedRecord, LedgerIndex } from '../store/ledger-index.ts';
import type { Check } from './check.ts';

type LedgerName = 'predictions' | 'verifications';

/** One ledger as doctor sees it: bad lines, duplicates, and committed records it lost. */
export interface LedgerHealth {
  name: LedgerName;
  dir: string;
  files: number;
  records: number;
  /** Torn or invalid lines, and valid lines repeating a record: --repair moves them aside. */
  problems: LedgerProblem[];
  /**
   * Records the index holds (so they were committed, and counted in the
   * weights) that no valid line of the ledger has any more: a line damaged
   * after it was written. --repair appends them back from the index.
   */
  lost: { file: string; record: Prediction | Verification }[];
}

export function examineLedgers(home: HomePaths, index: LedgerIndex | null): LedgerHealth[] {
  const predictions = new Ledger(home.predictionsDir, predictionSchema);
  const verifications = new Ledger(home.verificationsDir, verificationSchema);
  const p = predictions.read();
  const v = verifications.read();
  const asDuplicate = (
    entries: readonly LedgerEntry<Prediction | Verification>[],
    what: (record: Prediction | Verification) => string,
  ): LedgerProblem[] =>
    entries.map((e) => ({
      file: e.file,
      line: e.line,
      kind: 'duplicate',
      detail: what(e.record),
      text: JSON.stringify(e.record),
    }));
  return [
    {
      name: 'predictions',
      dir: home.predictionsDir,
      files: predictions.files().length,
      records: p.entries.length,
      problems: [
        ...p.problems,
        ...asDuplicate(
          uniquePredictions(p.entries).duplicates,
          (r) => `prediction ${(r as Prediction).id} appears more than once`,
        ),
      ],
      lost: index
        ? lostRecords(
            home.predictionsDir,
            index.records('predictions'),
            new Set(p.entries.map((e) => e.record.id)),
            (r) => predictionSchema.safeParse(r),
            (r) => (r as Prediction).id,
          )
        : [],
    },
    {
      name: 'verifications',
      dir: home.verificationsDir,
      files: verifications.files().length,
      records: v.entries.length,
      problems: [
        ...v.problems,
        ...asDuplicate(
          repeatedVerifications(v.entries),
          (r) =>
            `prediction ${(r as Verification).prediction_id} verified again without "supersedes"`,
        ),
      ],
      lost: index
        ? lostRecords(
            home.verificationsDir,
            index.records('verifications'),
            new Set(v.entries.map((e) => e.record.prediction_id)),
            (r) => verificationSchema.safeParse(r),
            (r) => (r as Verification).prediction_id,
          )
        : [],
    },
  ];
}

function lostRecords<T extends Prediction | Verification>(
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

export function ledgerChecks(health: readonly LedgerHealth[]): Check[] {
  return health.map((h) => {
    const bad = h.problems.filter((p) => p.kind !== 'duplicate');
    const duplicates = h.problems.filter((p) => p.kind === 'duplicate');
    const issues = [
      bad.length
        ? `${bad.length} bad line(s) (${bad.map((p) => `${p.file}:${p.line} ${p.kind}`).join('; ')})`
        : '',
      duplicates.length
        ? `${duplicates.length} duplicate line(s) (${duplicates.map((p) => `${p.file}:${p.line}: ${p.detail}`).join('; ')})`
        : '',
      h.lost.length
        ? `${h.lost.length} committed record(s) missing from the ledger but held by the index (damaged lines?)`
        : '',
    ].filter(Boolean);
    const actions = [
      bad.length || duplicates.length
        ? 'moves bad and duplicate lines into predictions/quarantine/ (never deleting them)'
        : '',
      h.lost.length ? 'appends the missing records back from the index' : '',
    ].filter(Boolean);
    return {
      name: `${h.name} ledger`,
      ok: issues.length === 0,
      detail: `${h.records} records in ${h.files} file(s)${issues.length ? `, ${issues.join(', ')}` : ''}`,
      hint: actions.length
        ? `mlx doctor --repair ${actions.join(', ')}, then rebuilds the index and replays the weights`
        : undefined,
    };
  });
}

export interface LedgerRepair {
  quarantined: RepairResult[];
  restored: { ledger: LedgerName; file: string; records: number }[];
}

/** Quarantine bad and duplicate lines, then append lost records back (ledger order kept per file). */
export function repairLedgers(health: readonly LedgerHealth[], now: Date): LedgerRepair {
  const result: LedgerRepair = { quarantined: [], restored: [] };
  for (const h of health) {
    for (const file of [...new Set(h.problems.map((p) => p.file))].sort()) {
      result.quarantined.push(
        quarantineLines(
          file,
          h.problems.filter((p) => p.file === file),
          now,
        ),
      );
    }
    const byFile = new Map<string, string[]>();
    for (const { file, record } of h.lost) {
      byFile.set(file, [...(byFile.get(file) ?? []), JSON.stringify(record)]);
    }
    for (const [file, lines] of byFile) {
      appendLines(file, lines);
      result.restored.push({ ledger: h.name, file, records: lines.length });
    }
  }
  return result;
}

export function needsRepair(health: readonly LedgerHealth[]): boolean {
  return health.some((h) => h.problems.length > 0 || h.lost.length > 0);
}
