import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../context.ts';
import { UsageError } from '../errors.ts';
import type { Prediction, Verification } from '../ledger/records.ts';
import { latestVerifications } from '../ledger/views.ts';
import { warnAboutLedgers } from '../ledger/reader.ts';
import { assertHomeExists } from '../home-access.ts';
import { resolveSince } from '../calendar/since.ts';
import { parseSortField, selectPredictions, type Selection } from '../prediction/select.ts';
import type { HeadWeights } from '../prediction/strongest.ts';
import { wilson } from '../evaluation/stats.ts';
import { headSchema } from '../registry/manifest.ts';
import { Home, registryAt } from '../home-files/home.ts';

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
  /** Each listed model version's head weights (`name/version`), null when its files are gone. */
  heads: Map<string, HeadWeights | null>;
  /** The direction against always-up over every verified prediction of the ledger. */
  direction: BaseRate | null;
}

export interface BaseRate {
  verified: number;
  hit_rate: number;
  /** The share that rose: always-up's hit rate. */
  always_up: number;
  /** The hit rate's 95% interval clears always-up's. */
  skill: boolean;
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
  const ledger = Home.of(ctx).ledgers.predictions;
  // Files are by month of as_of: read only the months that can hold the answer.
  const fromMonth = (options.asOf ?? since)?.slice(0, 7);
  const files = ledger
    .files()
    .filter((f) => fromMonth === undefined || f.slice(-13, -6) >= fromMonth)
    .filter((f) => options.asOf === undefined || f.slice(-13, -6) === options.asOf.slice(0, 7));
  const view = Home.of(ctx).readView(files);
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
  const every = latestVerifications(view.verifications);
  const verifications = new Map([...every].filter(([id]) => ids.has(id)));
  return {
    session,
    predictions,
    verifications,
    skippedLines: view.raw.predictions.problems.length,
    heads: headWeights(ctx.home.modelsDir, predictions),
    direction: baseRate(every.values()),
  };
}

/** Hit rate of the recorded direction against always-up, over verified records (pure). */
export function baseRate(verifications: Iterable<Verification>): BaseRate | null {
  let verified = 0;
  let hits = 0;
  let ups = 0;
  for (const v of verifications) {
    if (v.status !== 'verified' || v.direction_hit === undefined) continue;
    if (v.actual_change_pct === undefined) continue;
    verified++;
    if (v.direction_hit) hits++;
    if (v.actual_change_pct > 0) ups++;
  }
  if (verified === 0) return null;
  return {
    verified,
    hit_rate: hits / verified,
    always_up: ups / verified,
    skill: wilson(hits, verified).low > ups / verified,
  };
}

/**
 * The head weights of each model version the records name, from the home's
 * registry or, for a backtest's arm, the backtest's (its models sit beside
 * the arms). A version whose manifest is gone or unreadable maps to null.
 */
function headWeights(
  modelsDir: string,
  records: readonly Prediction[],
): Map<string, HeadWeights | null> {
  const registries = [modelsDir, path.join(path.dirname(path.dirname(modelsDir)), 'models')].map(
    registryAt,
  );
  const heads = new Map<string, HeadWeights | null>();
  for (const { model } of records) {
    const key = `${model.name}/${model.version}`;
    if (heads.has(key)) continue;
    heads.set(key, null);
    for (const registry of registries) {
      if (!fs.existsSync(path.join(registry.root, model.name, model.version))) continue;
      try {
        const head = headSchema.safeParse(registry.manifest(model.name, model.version).params.head);
        if (head.success) heads.set(key, { weights: head.data.weights, scale: head.data.scale });
      } catch {
        // An unreadable manifest: the signals are ranked by the stock's weights alone.
      }
      break;
    }
  }
  return heads;
}
