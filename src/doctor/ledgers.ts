import path from 'node:path';
import type { Home } from '../home-files/home.ts';
import type { LedgerEntry, LedgerProblem } from '../ledger/ledger.ts';
import {
  predictionSchema,
  verificationSchema,
  type Prediction,
  type Verification,
} from '../ledger/records.ts';
import type { ChainStatus } from '../ledger/chain.ts';
import type { RepairResult } from '../ledger/repair.ts';
import {
  admissibleVerifications,
  repeatedVerifications,
  uniquePredictions,
} from '../ledger/views.ts';
import type { LedgerIndex } from '../store/ledger-index.ts';
import type { Check } from './check.ts';
import { changedRecords, lostRecords, present } from './committed.ts';

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
  /** Each file's digest chain: breaks, and lines written before digests (unchained). */
  chains: (ChainStatus & { file: string })[];
  /** Predictions left out because the stock already had one for the session (older mlx). */
  shadowed: number;
  /** Entries of the ledger's folder that are no month file: ignored by readers. */
  strays: string[];
}

export function examineLedgers(home: Home, index: LedgerIndex | null): LedgerHealth[] {
  const { predictions, verifications } = home.ledgers;
  const p = predictions.read();
  const v = verifications.read();
  const asProblem = (
    kind: LedgerProblem['kind'],
    entries: readonly LedgerEntry<Prediction | Verification>[],
    what: (record: Prediction | Verification) => string,
  ): LedgerProblem[] =>
    entries.map((e) => ({
      file: e.file,
      line: e.line,
      kind,
      detail: what(e.record),
      text: JSON.stringify(e.record),
    }));
  const unique = uniquePredictions(p.entries);
  const admitted = admissibleVerifications(unique, v.entries);
  const refused = admitted.refused;
  const pChanged = index
    ? changedRecords(p.entries, index.records('predictions'), (r) => r.id)
    : [];
  const vChanged = index
    ? changedRecords(v.entries, index.records('verifications'), (r) => r.prediction_id)
    : [];
  const changedText = 'differs from the record committed to the index: edited after it was written';
  return [
    {
      name: 'predictions',
      dir: predictions.dir,
      files: predictions.files().length,
      records: p.entries.length,
      problems: [
        ...p.problems,
        ...asProblem(
          'duplicate',
          unique.duplicates,
          (r) => `prediction ${(r as Prediction).id} appears more than once`,
        ),
        ...asProblem('changed', pChanged, () => changedText),
      ],
      lost: index
        ? lostRecords(
            predictions.dir,
            index.records('predictions'),
            present(p.entries, pChanged, (r) => r.id),
            (r) => predictionSchema.safeParse(r),
            (r) => (r as Prediction).id,
          )
        : [],
      chains: p.chains,
      shadowed: unique.shadowed.filter((e) => e.record.supersedes === undefined).length,
      strays: predictions.strays(['verifications', 'quarantine']),
    },
    {
      name: 'verifications',
      dir: verifications.dir,
      files: verifications.files().length,
      records: v.entries.length,
      problems: [
        ...v.problems,
        ...asProblem(
          'duplicate',
          // A refused (forged) line first must not make the real verification a repeat.
          repeatedVerifications(admitted.entries),
          (r) =>
            `prediction ${(r as Verification).prediction_id} verified again without "supersedes"`,
        ),
        ...refused.map((r) => ({
          file: r.entry.file,
          line: r.entry.line,
          kind: 'refused' as const,
          detail: `refused: ${r.reason}`,
          text: JSON.stringify(r.entry.record),
        })),
        ...asProblem('changed', vChanged, () => changedText),
      ],
      lost: index
        ? lostRecords(
            verifications.dir,
            index.records('verifications'),
            present(v.entries, vChanged, (r) => r.prediction_id),
            (r) => verificationSchema.safeParse(r),
            (r) => (r as Verification).prediction_id,
          )
        : [],
      chains: v.chains,
      shadowed: 0,
      strays: verifications.strays(['quarantine']),
    },
  ];
}

export function ledgerChecks(health: readonly LedgerHealth[]): Check[] {
  return health.map((h) => {
    const bad = h.problems.filter((p) => p.kind === 'torn' || p.kind === 'invalid');
    const duplicates = h.problems.filter((p) => p.kind === 'duplicate');
    const named = h.problems.filter((p) => p.kind === 'changed' || p.kind === 'refused');
    const breaks = h.chains.flatMap((c) => c.breaks.map((b) => ({ file: c.file, ...b })));
    const unchained = h.chains.reduce((n, c) => n + c.unchained, 0);
    const uncovered = h.chains.reduce((n, c) => n + c.unchained - c.covered, 0);
    const issues = [
      bad.length
        ? `${bad.length} bad line(s) (${bad.map((p) => `${p.file}:${p.line} ${p.kind}`).join('; ')})`
        : '',
      duplicates.length
        ? `${duplicates.length} duplicate line(s) (${duplicates.map((p) => `${p.file}:${p.line}: ${p.detail}`).join('; ')})`
        : '',
      named.length
        ? `${named.length} line(s) readers must not trust (${named.map((p) => `${p.file}:${p.line}: ${p.detail}`).join('; ')})`
        : '',
      breaks.length
        ? `${breaks.length} line(s) whose digest does not chain (${breaks.map((b) => `${b.file}:${b.line}: ${b.detail}`).join('; ')})`
        : '',
      h.lost.length
        ? `${h.lost.length} committed record(s) missing from the ledger but held by the index (damaged lines?)`
        : '',
    ].filter(Boolean);
    const notes = [
      unchained
        ? `${unchained} line(s) written before digests (unchained${uncovered < unchained ? `; ${unchained - uncovered} covered by a later digest` : ''})`
        : '',
      h.shadowed
        ? `${h.shadowed} second prediction(s) for a stock and session, by another model version (older mlx): left out by readers`
        : '',
      h.strays.length
        ? `${h.strays.length} stray entr${h.strays.length === 1 ? 'y' : 'ies'} ignored (not a YYYY-MM.jsonl file): ${h.strays.join(', ')}`
        : '',
    ].filter(Boolean);
    const actions = [
      bad.length || duplicates.length || named.length
        ? 'moves bad and duplicate lines into predictions/quarantine/ (never deleting them; edited and refused lines too)'
        : '',
      h.lost.length || named.some((p) => p.kind === 'changed')
        ? 'appends the missing records back from the index'
        : '',
      breaks.length
        ? 'appends a seal line recording the breaks that remain once the lines are repaired'
        : '',
    ].filter(Boolean);
    return {
      name: `${h.name} ledger`,
      ok: issues.length === 0,
      detail: `${h.records} records in ${h.files} file(s)${[...issues, ...notes].map((i) => `, ${i}`).join('')}`,
      hint: actions.length
        ? `mlx doctor --repair ${actions.join(', ')}, then rebuilds the index and replays the weights`
        : uncovered > 0
          ? 'mlx doctor --repair chains them by appending a seal line to each file (nothing is rewritten)'
          : undefined,
    };
  });
}

export interface LedgerRepair {
  quarantined: RepairResult[];
  restored: { ledger: LedgerName; file: string; records: number }[];
  /** Seal lines appended: chaining lines written before digests, or accepting breaks left. */
  sealed: { ledger: LedgerName; file: string; accepted: number; unchained: number }[];
}

/**
 * Quarantine bad, duplicate, edited and refused lines, append lost records
 * back (ledger order kept per file), then seal each file whose chain still
 * has breaks or unchained lines no digest covers: by appending, never by
 * rewriting a line.
 */
export function repairLedgers(
  home: Home,
  health: readonly LedgerHealth[],
  now: Date,
  options: { seal: boolean } = { seal: true },
): LedgerRepair {
  const result: LedgerRepair = { quarantined: [], restored: [], sealed: [] };
  for (const h of health) {
    for (const file of [...new Set(h.problems.map((p) => p.file))].sort()) {
      result.quarantined.push(
        home.quarantine(
          file,
          h.problems.filter((p) => p.file === file),
          now,
        ),
      );
    }
    const byFile = new Map<string, (Prediction | Verification)[]>();
    for (const { file, record } of h.lost) byFile.set(file, [...(byFile.get(file) ?? []), record]);
    for (const [file, records] of byFile) {
      const month = path.basename(file, '.jsonl');
      home.restoreRecords(h.name, month, records);
      result.restored.push({ ledger: h.name, file, records: records.length });
    }
    if (!options.seal) continue;
    for (const chain of home.ledgers[h.name].read().chains) {
      const uncovered = chain.unchained - chain.covered;
      if (chain.breaks.length === 0 && uncovered === 0) continue;
      home.seal(h.name, chain.file, {
        sealed_at: now.toISOString(),
        reason:
          chain.breaks.length > 0
            ? 'mlx doctor --repair: breaks left after moving and restoring lines'
            : 'mlx doctor --repair: chains the lines written before digests',
        accepted: chain.breaks.map((b) => ({ line: b.line, key: b.key, detail: b.detail })),
      });
      result.sealed.push({
        ledger: h.name,
        file: chain.file,
        accepted: chain.breaks.length,
        unchained: uncovered,
      });
    }
  }
  return result;
}

export function needsRepair(health: readonly LedgerHealth[]): boolean {
  return health.some(
    (h) =>
      h.problems.length > 0 ||
      h.lost.length > 0 ||
      h.chains.some((c) => c.breaks.length > 0 || c.unchained > c.covered),
  );
}
