import { assertRange, resolveSince } from '../calendar/since.ts';
import type { Context } from '../context.ts';
import { DataError, ExitCode, type ExitCodeValue } from '../errors.ts';
import { requireSymbol } from '../exchanges.ts';
import type { Prediction, Verification } from '../ledger/records.ts';
import { warnAboutLedgers } from '../ledger/reader.ts';
import { latestVerifications, movesWeights } from '../ledger/views.ts';
import type { PriceStore } from '../store/price-store.ts';
import type { Scored } from '../verification/score.ts';
import { scorer, universes } from '../verification/scorer.ts';
import { loadWeightState, rebuildWeights, saveWeightChanges } from '../weights/replay.ts';
import type { WeightChange } from '../weights/update.ts';
import { fetchIntoStore } from '../sources/fetch.ts';
import { assertHomeExists, noStoreError } from '../home-access.ts';
import { Home } from '../home-files/home.ts';

export { UNRESOLVABLE_AFTER_DAYS } from '../verification/unresolvable.ts';

export interface VerifyOptions {
  /**
   * '7d' (days before now) or a date: print the predictions whose target date is on or after
   * it. Every due prediction is scored whatever the window (see VerifyResult.shown).
   */
  since?: string;
  /** And on or before this date. */
  until?: string;
  dryRun: boolean;
  fetch: boolean;
  /** False records verifications but leaves every weight at its value (backtest --no-adapt). */
  adapt?: boolean;
  /** Symbols known to be delisted: their predictions with no data past the grace are unresolvable. */
  delisted?: string[];
  /** Re-score predictions recorded unresolvable whose bars are there now (appends superseding records). */
  rescore?: boolean;
  fetchImpl?: typeof fetch;
}

export type VerifiedPrediction = Prediction & { verification: Verification };

/** A symbol whose due predictions could not be scored: its bars are missing. */
export interface VerifyFailure {
  symbol: string;
  predictions: number;
  reason: string;
}

export interface VerifyResult {
  /** Every prediction scored by this run, in verification order. */
  verified: VerifiedPrediction[];
  /** Those of `verified` whose target date is in the --since/--until window (all without one). */
  shown: VerifiedPrediction[];
  /** Scored by this run but outside the window: not printed, and never left unscored. */
  outside_window: number;
  pending: number;
  already_verified: number;
  /** Of `verified`, how many re-score an earlier unresolvable record (--rescore). */
  rescored: number;
  /** Unresolvable predictions whose bars are there now: `--rescore` would score them. */
  rescorable: number;
  failures: VerifyFailure[];
  weight_changes: WeightChange[];
  dry_run: boolean;
  exit_code: ExitCodeValue;
}

/**
 * `mlx verify`: score every due prediction exactly once (the verification
 * ledger and its index are checked before appending), then move the
 * per-stock weights. Missing bars are an error naming the symbol, never a
 * record: `unresolvable` needs positive evidence (see scorePrediction).
 * `--since`/`--until` choose what is printed, not what is scored: a weekly
 * `verify --since 7d` that missed a week still scores it, and the weights
 * move in verification order whatever window each run printed.
 */
export async function verify(ctx: Context, options: VerifyOptions): Promise<VerifyResult> {
  const since = resolveSince(options.since, ctx.now());
  assertRange({ flag: '--since', date: since }, { flag: '--until', date: options.until });
  const delisted = (options.delisted ?? []).map((s) => requireSymbol(s, '--delisted symbol'));
  assertHomeExists(ctx);
  const home = Home.of(ctx);
  // Opened only if it exists: verify never creates a store (an empty one would prove nothing).
  const run = async (store: PriceStore | null) => {
    try {
      return await verifyLocked(ctx, store, { ...options, since, delisted });
    } finally {
      store?.close();
    }
  };
  return options.dryRun
    ? run(home.readStore())
    : home.withWriteLock(ctx, 'verify', (access) => run(access.openStore('update')));
}

async function verifyLocked(
  ctx: Context,
  store: PriceStore | null,
  options: VerifyOptions,
): Promise<VerifyResult> {
  const ledgers = readLedgers(ctx, store, options);
  const { latest, done } = ledgers;
  const candidates = ledgers.predictions.map((e) => e.record);
  const inWindow = (p: Prediction) =>
    (!options.since || p.target_date >= options.since) &&
    (!options.until || p.target_date <= options.until);
  const open = candidates.filter((p) => !done.has(p.id));
  const closedUnresolvable = candidates.filter((p) => latest.get(p.id)?.status === 'unresolvable');
  const toScore = [...open, ...closedUnresolvable];
  if (toScore.length > 0 && !store) {
    const symbols = [...new Set(open.map((p) => p.symbol))].sort();
    const error = noStoreError(ctx);
    if (open.length === 0) {
      ctx.log.warn(`${error.message}: unresolvable predictions cannot be re-checked`);
    } else {
      throw new DataError(
        `${error.message}: cannot verify ${open.length} prediction(s) of ${listSymbols(symbols)}`,
        error.hint,
      );
    }
  }

  if (store && options.fetch && toScore.length > 0) {
    const symbols = [...new Set(toScore.map((p) => p.symbol))].filter(
      (s) => store.symbolInfo(s) && !store.symbolInfo(s)?.synthetic,
    );
    if (symbols.length > 0) {
      const fetched = await fetchIntoStore(ctx, store, {
        symbols,
        source: 'yahoo',
        fetchImpl: options.fetchImpl,
      });
      for (const f of fetched.failures) ctx.log.warn(`${f.symbol}: data not refreshed: ${f.error}`);
    }
  }

  const now = ctx.now();
  const verifiedAt = now.toISOString();
  const today = verifiedAt.slice(0, 10);
  const score = store
    ? scorer(
        store,
        toScore,
        verifiedAt,
        today,
        options.delisted ?? [],
        universes(
          ctx,
          ledgers.predictions.map((e) => e.record),
        ),
      )
    : null;
  const outcome = scoreOpen(open, score);
  const { due } = outcome;
  const again = rescore(closedUnresolvable, score, latest, options.rescore === true);
  due.push(...again.due);
  // Verification order: as_of, then symbol, then id — the same inputs always update weights in the same order.
  const orderKey = (p: Prediction) => `${p.as_of}|${p.symbol}|${p.id}`;
  due.sort((a, b) => (orderKey(a) < orderKey(b) ? -1 : 1));

  const changes =
    store && !options.dryRun && due.length > 0
      ? record(ctx, store, due, {
          adapt: options.adapt !== false,
          verifiedAt,
          today,
        })
      : [];
  const { failures } = outcome;
  const shown = due.filter(inWindow);
  return {
    verified: due,
    shown,
    outside_window: due.length - shown.length,
    pending: outcome.pending,
    already_verified: candidates.length - open.length - again.rescored,
    rescored: again.rescored,
    rescorable: again.rescorable,
    failures,
    weight_changes: changes,
    dry_run: options.dryRun,
    exit_code:
      failures.length === 0 ? ExitCode.ok : due.length > 0 ? ExitCode.partial : ExitCode.failure,
  };
}

/**
 * Both ledgers, with warnings for lines skipped; the index caught up with
 * them (unless a dry run), and which predictions are verified already.
 */
function readLedgers(ctx: Context, store: PriceStore | null, options: VerifyOptions) {
  const view = Home.of(ctx).readView();
  warnAboutLedgers(ctx.log, view);
  const predictions = view.predictions;
  const verifications = { entries: view.verifications };
  // The ledgers are the truth: catch the index up, and if a crash left verifications
  // the weights never saw, replay them all.
  if (store && !options.dryRun) {
    store.ledgerIndex.addPredictions(predictions.entries);
    if (store.ledgerIndex.addVerifications(verifications.entries) > 0 && options.adapt !== false)
      rebuildWeights(store, ctx.config);
  }

  const latest = latestVerifications(verifications.entries);
  // The index remembers what was verified even when the ledger line was damaged later:
  // scoring such a prediction again would apply its weight steps twice.
  const remembered = store
    ? [...store.ledgerIndex.verifiedIds()].filter((id) => !latest.has(id))
    : [];
  if (remembered.length > 0) {
    ctx.log.warn(
      `${remembered.length} verification(s) recorded in the index are missing from the ledger (a damaged line?): not scored again; mlx doctor --repair restores them`,
    );
  }
  return {
    predictions: predictions.entries,
    latest,
    done: new Set([...latest.keys(), ...remembered]),
  };
}

type Score = ((prediction: Prediction) => Scored) | null;

/** Open predictions scored: due, not due yet, or failed for missing bars (by symbol). */
function scoreOpen(open: readonly Prediction[], score: Score) {
  const due: VerifiedPrediction[] = [];
  const failures = new Map<string, VerifyFailure>();
  let pending = 0;
  for (const prediction of open) {
    const scored = score?.(prediction) ?? { status: 'pending' };
    if (scored.status === 'pending') pending++;
    else if (scored.status === 'missing') {
      const failure = failures.get(prediction.symbol);
      if (failure) failure.predictions++;
      else
        failures.set(prediction.symbol, {
          symbol: prediction.symbol,
          predictions: 1,
          reason: scored.reason,
        });
    } else due.push({ ...prediction, verification: scored.verification });
  }
  return { due, failures: [...failures.values()], pending };
}

/** Predictions recorded unresolvable whose bars are there now: counted, or re-scored (--rescore). */
function rescore(
  closed: readonly Prediction[],
  score: Score,
  latest: ReadonlyMap<string, Verification>,
  enabled: boolean,
) {
  const due: VerifiedPrediction[] = [];
  let rescored = 0;
  let rescorable = 0;
  for (const prediction of closed) {
    const scored = score?.(prediction);
    if (scored?.status !== 'due' || scored.verification.status !== 'verified') continue;
    if (!enabled) {
      rescorable++;
      continue;
    }
    const earlier = latest.get(prediction.id) as Verification;
    due.push({
      ...prediction,
      verification: { ...scored.verification, supersedes: earlier.verified_at },
    });
    rescored++;
  }
  return { due, rescored, rescorable };
}

/**
 * Append the verifications, then index them and save the weight changes.
 * Weights are computed before the new verifications are indexed (so their
 * hits count once); the index and the weights are then saved in one
 * transaction, after the ledger append: a crash in between is caught up by
 * the replay in readLedgers on the next run.
 */
function record(
  ctx: Context,
  store: PriceStore,
  due: readonly VerifiedPrediction[],
  at: { adapt: boolean; verifiedAt: string; today: string },
): WeightChange[] {
  const state = loadWeightState(store, ctx.config);
  const changes = at.adapt
    ? due.filter((d) => movesWeights(d)).flatMap((d) => state.apply(d, d.verification))
    : [];
  Home.of(ctx).appendVerifications(
    store,
    due.map((d) => d.verification),
    at.today.slice(0, 7),
    () => saveWeightChanges(store, state, changes, at.verifiedAt),
    ctx.log,
  );
  return changes;
}

function listSymbols(symbols: readonly string[]): string {
  return symbols.length > 10
    ? `${symbols.slice(0, 10).join(', ')} and ${symbols.length - 10} more`
    : symbols.join(', ');
}
