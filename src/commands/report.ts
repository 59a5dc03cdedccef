import type { Context } from '../context.ts';
import {
  longShortPeriods,
  portfolioFigures,
  type PortfolioFigure,
  type ScoredRows,
} from '../evaluation/metrics.ts';
import { Ledger } from '../ledger/ledger.ts';
import { predictionSchema, verificationSchema, type Prediction } from '../ledger/records.ts';
import { latestVerifications, uniquePredictions } from '../ledger/views.ts';
import type { PriceStore } from '../store/price-store.ts';
import {
  byBaseline,
  byConfidence,
  byModel,
  byRegime,
  bySignal,
  bySymbol,
  calibrationTable,
  groupFigures,
  rankingScore,
  rollingHitRate,
  type CalibrationBin,
  type GroupFigures,
  type Outcome,
} from '../report/accuracy.ts';
import { UsageError } from '../errors.ts';
import { isIsoDate } from '../calendar/index.ts';
import type { WeightChange } from '../weights/update.ts';
import { featureDrivers, type Drivers } from '../explain/drivers.ts';
import { resolveSince } from './verify.ts';
import { usingStore } from './session.ts';

export interface PortfolioReport extends PortfolioFigure {
  curve: { date: string; equity: number }[];
}

export interface Report {
  schema: 'mlx.report/1';
  generated_at: string;
  window: { since: string | null; until: string | null; symbol: string | null };
  totals: { predictions: number; verified: number; unresolvable: number; pending: number };
  overall: GroupFigures | null;
  /**
   * Predictions recorded with --allow-in-sample (their outcome was in the model's training
   * data): kept out of every other figure here, and summarised apart.
   */
  in_sample: { predictions: number; verified: number; overall: GroupFigures | null };
  symbols: (GroupFigures & { symbol: string })[];
  signals: GroupFigures[];
  models: GroupFigures[];
  baselines: GroupFigures[];
  regimes: GroupFigures[];
  confidence: GroupFigures[];
  calibration: CalibrationBin[];
  rolling_hit_rate: { date: string; hit_rate: number; count: number }[];
  portfolio: Record<string, PortfolioReport>;
  weights: { symbol: string; signal: string; weight: number; default: number }[];
  weight_history: WeightChange[];
  /** With --symbol: the features that drove its recent predictions (their `explain`). */
  drivers: Drivers | null;
}

export interface ReportOptions {
  since?: string;
  until?: string;
  symbol?: string;
}

/** `mlx report`: accuracy from the ledgers (the truth), weights from the store. */
export async function buildReport(ctx: Context, options: ReportOptions): Promise<Report> {
  const since = resolveSince(options.since, ctx.now()) ?? null;
  if (options.until !== undefined && !isIsoDate(options.until))
    throw new UsageError(`--until expects YYYY-MM-DD, got "${options.until}"`);
  const { predictions, outcomes, unresolvable, inSample } = loadOutcomes(ctx, {
    since,
    until: options.until,
    symbol: options.symbol,
  });
  return usingStore(ctx, 'read', (store) => {
    const lastReturns = store ? lastReturnsFor(store, outcomes) : new Map<string, number>();
    const weights = store
      ? (
          store.db
            .prepare(
              "SELECT symbol, signal, weight FROM signal_weights WHERE symbol != '*' ORDER BY symbol, signal",
            )
            .all() as { symbol: string; signal: string; weight: number }[]
        )
          .filter((w) => !options.symbol || w.symbol === options.symbol)
          .map((w) => ({ ...w, default: 1 }))
      : [];
    const history =
      store && options.symbol
        ? (store.db
            .prepare(
              'SELECT prediction_id, symbol, signal, previous, current, reason, verified_at FROM weight_changes WHERE symbol = ? ORDER BY id',
            )
            .all(options.symbol) as Report['weight_history'])
        : [];
    const overallOf = (list: readonly Outcome[]) =>
      groupFigures(list, (o) => [{ key: 'ensemble', hit: o.verification.direction_hit }])[0] ??
      null;
    const overall = overallOf(outcomes);
    return {
      schema: 'mlx.report/1',
      generated_at: ctx.now().toISOString(),
      window: { since, until: options.until ?? null, symbol: options.symbol ?? null },
      totals: {
        predictions: predictions.length,
        verified: outcomes.length,
        unresolvable,
        pending: predictions.length - outcomes.length - unresolvable,
      },
      overall,
      in_sample: {
        predictions: inSample.predictions,
        verified: inSample.outcomes.length,
        overall: overallOf(inSample.outcomes),
      },
      symbols: groupFigures(outcomes, bySymbol).map((g) => ({ symbol: g.key, ...g })),
      signals: groupFigures(outcomes, bySignal, { hitRateOnly: true }),
      models: groupFigures(outcomes, byModel, { hitRateOnly: true }),
      baselines: groupFigures(outcomes, (o) => byBaseline(o, lastReturns.get(o.prediction.id)), {
        hitRateOnly: true,
      }),
      regimes: groupFigures(outcomes, byRegime),
      confidence: groupFigures(outcomes, byConfidence),
      calibration: calibrationTable(outcomes),
      rolling_hit_rate: rollingHitRate(outcomes),
      portfolio: portfolios(outcomes, lastReturns),
      weights,
      weight_history: history,
      drivers: options.symbol ? featureDrivers(predictions) : null,
    };
  });
}

/**
 * Predictions in a window of target dates, joined with their verifications
 * (from the ledgers): each prediction id once, with its latest verification.
 * In-sample predictions are counted apart.
 */
export function loadOutcomes(
  ctx: Context,
  window: { since?: string | null; until?: string; symbol?: string },
): {
  predictions: Prediction[];
  outcomes: Outcome[];
  unresolvable: number;
  inSample: { predictions: number; outcomes: Outcome[] };
} {
  const inWindow = (p: Prediction) =>
    (!window.since || p.target_date >= window.since) &&
    (!window.until || p.target_date <= window.until) &&
    (!window.symbol || p.symbol === window.symbol);
  const all = uniquePredictions(
    new Ledger(ctx.home.predictionsDir, predictionSchema).read().entries,
  )
    .entries.map((e) => e.record)
    .filter(inWindow);
  const predictions = all.filter((p) => p.in_sample !== true);
  const verifications = latestVerifications(
    new Ledger(ctx.home.verificationsDir, verificationSchema).read().entries,
  );
  const inSample = { predictions: all.length - predictions.length, outcomes: [] as Outcome[] };
  for (const prediction of all) {
    const verification = verifications.get(prediction.id);
    if (prediction.in_sample === true && verification?.status === 'verified')
      inSample.outcomes.push({ prediction, verification: verification as Outcome['verification'] });
  }
  const outcomes: Outcome[] = [];
  let unresolvable = 0;
  for (const prediction of predictions) {
    const verification = verifications.get(prediction.id);
    if (!verification) continue;
    if (
      verification.status !== 'verified' ||
      verification.actual_change_pct === undefined ||
      verification.direction_hit === undefined
    ) {
      unresolvable++;
      continue;
    }
    outcomes.push({ prediction, verification: verification as Outcome['verification'] });
  }
  const key = (o: Outcome) => `${o.prediction.as_of}|${o.prediction.symbol}|${o.prediction.id}`;
  outcomes.sort((a, b) => (key(a) < key(b) ? -1 : 1));
  return { predictions, outcomes, unresolvable, inSample };
}

/** Yesterday's log return at each prediction's as_of (the momentum baseline), from the stored bars. */
export function lastReturnsFor(
  store: PriceStore,
  outcomes: readonly Outcome[],
): Map<string, number> {
  const lastReturns = new Map<string, number>();
  for (const symbol of new Set(outcomes.map((o) => o.prediction.symbol))) {
    if (!store.symbolInfo(symbol)) continue;
    const series = store.adjusted(symbol);
    const index = new Map(series.dates.map((d, i) => [d, i]));
    for (const o of outcomes) {
      if (o.prediction.symbol !== symbol) continue;
      const i = index.get(o.prediction.as_of);
      if (i !== undefined && i > 0)
        lastReturns.set(o.prediction.id, Math.log(series.close[i] / series.close[i - 1]));
    }
  }
  return lastReturns;
}

/** Long top / short bottom quintile by each predictor, on the verified outcomes. */
function portfolios(
  outcomes: readonly Outcome[],
  lastReturns: ReadonlyMap<string, number>,
): Record<string, PortfolioReport> {
  if (outcomes.length === 0) return {};
  const horizons = outcomes.map((o) => o.prediction.horizon_days);
  const horizonDays = horizons.sort((a, b) => a - b)[Math.floor(horizons.length / 2)];
  const dates = [...new Set(outcomes.map((o) => o.prediction.as_of))].sort();
  const dateIndex = new Map(dates.map((d, i) => [d, i]));
  const predictors: Record<string, (o: Outcome) => number | undefined> = {
    ensemble: (o) => rankingScore(o.prediction),
    xgb: (o) => o.prediction.components.xgb,
    lstm: (o) => o.prediction.components.lstm,
    rules: (o) => o.prediction.components.rules,
    momentum: (o) => lastReturns.get(o.prediction.id),
  };
  const result: Record<string, PortfolioReport> = {};
  for (const [name, predictor] of Object.entries(predictors)) {
    const usable = outcomes.filter((o) => predictor(o) !== undefined);
    if (usable.length === 0) continue;
    const rows: ScoredRows = {
      dateIndex: Int32Array.from(usable, (o) => dateIndex.get(o.prediction.as_of) as number),
      predicted: Float64Array.from(usable, (o) => predictor(o) as number),
      probabilityUp: new Float64Array(usable.length).fill(NaN),
      actual: Float64Array.from(usable, (o) => Math.log1p(o.verification.actual_change_pct / 100)),
    };
    const periods = longShortPeriods(rows, { horizonDays });
    let equity = 1;
    const curve = periods.map((p) => ({
      date: dates[p.dateIndex],
      equity: (equity *= 1 + p.return),
    }));
    result[name] = {
      ...portfolioFigures(
        periods.map((p) => p.return),
        horizonDays,
      ),
      curve,
    };
  }
  return result;
}
