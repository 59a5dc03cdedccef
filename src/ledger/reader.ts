import type { Logger } from '../log.ts';
import type { Ledger, LedgerEntry, LedgerProblem, LedgerRead } from './ledger.ts';
import type { Prediction, Verification } from './records.ts';
import {
  admissibleVerifications,
  uniquePredictions,
  type RefusedVerification,
  type UniquePredictions,
} from './views.ts';

/** Both ledgers as every reader sees them, and what was left out on the way. */
export interface LedgerView {
  predictions: UniquePredictions;
  /** Verifications readers trust, in ledger order. */
  verifications: LedgerEntry<Verification>[];
  refused: RefusedVerification[];
  /** Torn and invalid lines skipped. */
  skipped: LedgerProblem[];
  /** Lines whose digest does not chain (edited, removed, inserted or moved lines). */
  chainBreaks: { file: string; line: number; detail: string }[];
  raw: { predictions: LedgerRead<Prediction>; verifications: LedgerRead<Verification> };
}

/** What a reader left out or could not vouch for: counted in --json, said on stderr. */
export interface LedgerWarnings {
  skipped_lines: number;
  refused_verifications: number;
  chain_breaks: number;
  duplicate_predictions: number;
}

/** What a reader may do with a ledger: read it, never append. */
export type ReadableLedger<T> = Pick<
  Ledger<T>,
  'dir' | 'files' | 'strays' | 'fileForMonth' | 'read'
>;

/** A home's two ledgers, to read (the home's owner appends: home-files/home.ts). */
export interface HomeLedgers {
  predictions: ReadableLedger<Prediction>;
  verifications: ReadableLedger<Verification>;
}

export function readLedgerView(
  ledgers: HomeLedgers,
  predictionFiles?: readonly string[],
): LedgerView {
  const predictions = ledgers.predictions.read(predictionFiles);
  const verifications = ledgers.verifications.read();
  const unique = uniquePredictions(predictions.entries);
  // Read over some months only, a verification of a prediction outside them is not "unknown".
  const ids = new Set(predictions.entries.map((p) => p.record.id));
  const admitted = admissibleVerifications(
    unique,
    predictionFiles
      ? verifications.entries.filter((v) => ids.has(v.record.prediction_id))
      : verifications.entries,
  );
  return {
    predictions: unique,
    verifications: admitted.entries,
    refused: admitted.refused,
    skipped: [...predictions.problems, ...verifications.problems],
    chainBreaks: [...predictions.chains, ...verifications.chains].flatMap((c) =>
      c.breaks.map((b) => ({ file: c.file, line: b.line, detail: b.detail })),
    ),
    raw: { predictions, verifications },
  };
}

export function ledgerWarnings(view: LedgerView): LedgerWarnings {
  return {
    skipped_lines: view.skipped.length,
    refused_verifications: view.refused.length,
    chain_breaks: view.chainBreaks.length,
    duplicate_predictions: view.predictions.duplicates.length,
  };
}

/** One line per kind of trouble on stderr (the first few named), so no figure changes silently. */
export function warnAboutLedgers(log: Logger, view: LedgerView): void {
  const few = <T>(items: readonly T[], say: (item: T) => string) =>
    items.slice(0, 3).map(say).join('; ') + (items.length > 3 ? '; …' : '');
  if (view.skipped.length)
    log.warn(
      `${view.skipped.length} damaged ledger line(s) skipped (${few(view.skipped, (p) => `${p.file}:${p.line} ${p.kind}`)}); mlx doctor --repair moves them aside`,
    );
  if (view.refused.length)
    log.warn(
      `${view.refused.length} verification line(s) refused (${few(view.refused, (r) => `${r.entry.file}:${r.entry.line} ${r.reason}`)}); mlx doctor names them`,
    );
  if (view.chainBreaks.length)
    log.warn(
      `${view.chainBreaks.length} ledger line(s) whose digest does not chain (${few(view.chainBreaks, (b) => `${b.file}:${b.line}`)}): lines were edited, removed or inserted by hand; mlx doctor names them`,
    );
  if (view.predictions.duplicates.length)
    log.warn(
      `${view.predictions.duplicates.length} duplicated prediction line(s) counted once (${few(view.predictions.duplicates, (d) => `${d.file}:${d.line}`)}); mlx doctor --repair moves them aside`,
    );
}
