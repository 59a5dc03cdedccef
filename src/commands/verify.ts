import { isIsoDate } from '../calendar/index.ts';
import type { Context } from '../context.ts';
import { ExitCode, UsageError, type ExitCodeValue } from '../errors.ts';
import { Ledger } from '../ledger/ledger.ts';
import { indexPredictions, indexVerifications } from '../ledger/ledger-index.ts';
import {
  predictionSchema,
  verificationSchema,
  type Prediction,
  type Verification,
} from '../ledger/records.ts';
import { adjustBars } from '../store/adjust.ts';
import type { PriceStore } from '../store/price-store.ts';
import type { AdjustedSeries } from '../store/types.ts';
import { scorePrediction } from '../verification/score.ts';
import { loadWeightState, rebuildWeights, saveWeightChanges } from '../weights/replay.ts';
import type { WeightChange } from '../weights/update.ts';
import { fetchIntoStore } from './data-fetch.ts';
import { openStore, withWriteLock } from './session.ts';

/** Days past the target date after which a prediction with no data is unresolvable. */
export const UNRESOLVABLE_AFTER_DAYS = 14;

export interface VerifyOptions {
  /** '7d' (days before now) or a date: predictions whose target date is on or after it. */
  since?: string;
  until?: string;
  dryRun: boolean;
  fetch: boolean;
  /** False records verifications but leaves every weight at its value (backtest --no-adapt). */
  adapt?: boolean;
  fetchImpl?: typeof fetch;
}

export interface VerifiedPrediction extends Prediction {
  verification: Verification;
}

export interface VerifyResult {
  verified: VerifiedPrediction[];
  pending: number;
  already_verified: number;
  weight_changes: WeightChange[];
  dry_run: boolean;
  exit_code: ExitCodeValue;
}

/** Resolve `7d` / `30d` / a date to the first date included. */
export function resolveSince(since: string | undefined, now: Date): string | undefined {
  if (since === undefined) return undefined;
  const days = /^(\d+)d$/.exec(since);
  if (days) {
    const start = new Date(now.getTime() - Number(days[1]) * 86_400_000);
    return start.toISOString().slice(0, 10);
  }
  if (isIsoDate(since)) return since;
  throw new UsageError(`--since expects Nd (e.g. 7d) or YYYY-MM-DD, got "${since}"`);
}

/**
 * `mlx verify`: score every due prediction exactly once (the verification
 * ledger is checked before appending), then move the per-stock weights.
 */
export async function verify(ctx: Context, options: VerifyOptions): Promise<VerifyResult> {
  const since = resolveSince(options.since, ctx.now());
  if (options.until !== undefined && !isIsoDate(options.until))
    throw new UsageError(`--until expects YYYY-MM-DD, got "${options.until}"`);
  const run = async () => {
    const store = openStore(ctx, 'write');
    try {
      return await verifyLocked(ctx, store, { ...options, since });
    } finally {
      store.close();
    }
  };
  return options.dryRun ? run() : withWriteLock(ctx, 'verify', run);
}

async function verifyLocked(
  ctx: Context,
  store: PriceStore,
  options: VerifyOptions,
): Promise<VerifyResult> {
  const predictionLedger = new Ledger(ctx.home.predictionsDir, predictionSchema);
  const verificationLedger = new Ledger(ctx.home.verificationsDir, verificationSchema);
  const predictions = predictionLedger.read();
  const verifications = verificationLedger.read();
  for (const problem of [...predictions.problems, ...verifications.problems]) {
    ctx.log.warn(
      `${problem.file}:${problem.line}: ${problem.kind} line skipped (${problem.detail}); run mlx doctor --repair`,
    );
  }
  // The ledgers are the truth: catch the index up, and if a crash left verifications
  // the weights never saw, replay them all.
  if (!options.dryRun) indexPredictions(store.db, predictions.entries);
  const adapt = options.adapt !== false;
  if (!options.dryRun && indexVerifications(store.db, verifications.entries) > 0 && adapt) {
    rebuildWeights(store.db, ctx.config);
  }

  const done = new Set(verifications.entries.map((e) => e.record.prediction_id));
  const candidates = predictions.entries
    .map((e) => e.record)
    .filter(
      (p) =>
        (!options.since || p.target_date >= options.since) &&
        (!options.until || p.target_date <= options.until),
    );
  const open = candidates.filter((p) => !done.has(p.id));

  if (options.fetch && open.length > 0) {
    const symbols = [...new Set(open.map((p) => p.symbol))].filter(
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
  // Each symbol's bars from its earliest open prediction to "now" (bars after now do not
  // exist as far as scoring goes: a replay pins the clock). Ratios between two bars do
  // not depend on where the history starts, so the window changes no score.
  const firstAsOf = new Map<string, string>();
  for (const p of open)
    if (!firstAsOf.has(p.symbol) || p.as_of < (firstAsOf.get(p.symbol) as string))
      firstAsOf.set(p.symbol, p.as_of);
  const seriesCache = new Map<string, { series: AdjustedSeries; index: Map<string, number> }>();
  const seriesOf = (symbol: string) => {
    let cached = seriesCache.get(symbol);
    if (!cached) {
      const series = adjustBars(
        symbol,
        store.bars(symbol, { from: firstAsOf.get(symbol), until: today }),
      );
      cached = { series, index: new Map(series.dates.map((d, i) => [d, i])) };
      seriesCache.set(symbol, cached);
    }
    return cached;
  };
  const due: VerifiedPrediction[] = [];
  let pending = 0;
  // Verification order: as_of, then symbol, then id — the same inputs always update weights in the same order.
  const orderKey = (p: Prediction) => `${p.as_of}|${p.symbol}|${p.id}`;
  const ordered = [...open].sort((a, b) => (orderKey(a) < orderKey(b) ? -1 : 1));
  for (const prediction of ordered) {
    const { series, index } = seriesOf(prediction.symbol);
    const scored = scorePrediction(
      prediction,
      series,
      verifiedAt,
      { today, graceDays: UNRESOLVABLE_AFTER_DAYS },
      index,
    );
    if (scored.status === 'pending') pending++;
    else due.push({ ...prediction, verification: scored.verification });
  }

  let changes: WeightChange[] = [];
  if (!options.dryRun && due.length > 0) {
    // Weights are computed before the new verifications are indexed (so their hits count
    // once); the index and the weights are then saved in one transaction, after the
    // ledger append: a crash in between is caught up by the replay above on the next run.
    const state = loadWeightState(store.db, ctx.config);
    if (adapt) changes = due.flatMap((d) => state.apply(d, d.verification));
    verificationLedger.append(
      due.map((d) => d.verification),
      () => today.slice(0, 7),
    );
    const month = verificationLedger.read([verificationLedger.fileForMonth(today.slice(0, 7))]);
    store.transaction(() => {
      indexVerifications(store.db, month.entries);
      saveWeightChanges(store.db, state, changes, verifiedAt);
    });
  }
  return {
    verified: due,
    pending,
    already_verified: candidates.length - open.length,
    weight_changes: changes,
    dry_run: options.dryRun,
    exit_code: ExitCode.ok,
  };
}
