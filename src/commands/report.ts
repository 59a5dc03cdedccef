import type { Context } from '../context.ts';
import { MIN_ANNUALISED_PERIODS } from '../evaluation/metrics.ts';
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
  calibrationTable,
  groupFigures,
  selectSymbols,
  symbolFigures,
  type CalibrationBin,
  type GroupFigures,
  type Outcome,
  type SymbolFigures,
  type SymbolSortField,
} from '../report/accuracy.ts';
import { relativeOutcomes } from '../report/excess.ts';
import { tearSheet, type TearSheet } from '../report/tearsheet.ts';
import { UsageError } from '../errors.ts';
import type { WeightChange } from '../weights/update.ts';
import { stockMultipliers } from '../weights/weights.ts';
import { featureDrivers, type Drivers } from '../explain/drivers.ts';
import { resolveSince } from '../calendar/since.ts';
import { assertHomeExists, usingStore } from '../session.ts';

export interface Report extends Omit<TearSheet, 'rolling'> {
  schema: 'mlx.report/2';
  generated_at: string;
  /**
   * Targets from `since` to `until`. basis: `recent` when no --since was given
   * (the 30 days up to the newest verified target, not the clock's: a replay's
   * ledger ends in the past), `since` for --since, `all` for --all.
   */
  window: {
    since: string | null;
    until: string | null;
    symbol: string | null;
    basis: 'recent' | 'since' | 'all';
  };
  totals: {
    predictions: number;
    verified: number;
    unresolvable: number;
    pending: number;
    /** Verified predictions (of --symbol, if given) whose target lies outside the window. */
    verified_outside_window: number;
  };
  overall: GroupFigures | null;
  /** The relative call: did the stock beat its session's universe, as its rank said? */
  relative: GroupFigures | null;
  /**
   * Predictions recorded with --allow-in-sample (their outcome was in the model's training
   * data): kept out of every other figure here, and summarised apart.
   */
  in_sample: { predictions: number; verified: number; overall: GroupFigures | null };
  symbols: SymbolFigures[];
  signals: GroupFigures[];
  models: GroupFigures[];
  baselines: GroupFigures[];
  regimes: GroupFigures[];
  confidence: GroupFigures[];
  calibration: CalibrationBin[];
  /** Trailing 20-session hit rate, always-up's, the relative hit rate and interval coverage. */
  rolling_hit_rate: TearSheet['rolling'];
  /** The interval level predictions state (coverage is judged against it). */
  interval_level: number | null;
  /** Sharpe and annualised figures need this many periods; below it they are null. */
  min_periods_for_annualised: number;
  weights: { symbol: string; signal: string; weight: number }[];
  weight_bounds: { floor: number; cap: number };
  weight_history: WeightChange[];
  /** With --symbol: the features that drove its recent predictions (their `explain`). */
  drivers: Drivers | null;
}

export interface ReportOptions {
  since?: string;
  until?: string;
  symbol?: string;
  /** Without `since`: the window is this many days up to the newest verified target. */
  recentDays?: number;
  /** Cost of trading, basis points of the amount traded, for the portfolio curves. */
  costBps?: number;
  sort?: SymbolSortField;
  ascending?: boolean;
  top?: number;
}

/** `mlx report`: accuracy from the ledgers (the truth), weights from the store. */
export async function buildReport(ctx: Context, options: ReportOptions): Promise<Report> {
  const costBps = options.costBps ?? 0;
  if (!Number.isFinite(costBps) || costBps < 0 || costBps > 10_000)
    throw new UsageError(`--cost-bps expects a number of basis points from 0 to 10000`);
  let since = resolveSince(options.since, ctx.now()) ?? null;
  assertHomeExists(ctx);
  const ledgers = readLedgers(ctx);
  const everything = selectWindow(ledgers, { symbol: options.symbol });
  let basis: Report['window']['basis'] = options.since !== undefined ? 'since' : 'all';
  if (options.since === undefined && options.recentDays !== undefined) {
    basis = 'recent';
    since = recentStart(everything.outcomes, options.recentDays, ctx.now());
  }
  const window = { since, until: options.until, symbol: options.symbol };
  const { predictions, outcomes, unresolvable, inSample } = selectWindow(ledgers, window);
  // The universe a stock is judged against is its whole session, whatever --symbol shows.
  const relative = relativeOutcomes(
    selectWindow(ledgers, { since, until: options.until }).outcomes,
  );
  return usingStore(ctx, 'read', (store) => {
    const lastReturns = store ? lastReturnsFor(store, outcomes) : new Map<string, number>();
    const weights = store ? stockMultipliers(store.weights.rows(), options.symbol) : [];
    const history = store && options.symbol ? store.weights.history(options.symbol) : [];
    const overallOf = (list: readonly Outcome[]) =>
      groupFigures(list, (o) => [{ key: 'ensemble', hit: o.verification.direction_hit }])[0] ??
      null;
    const judged = outcomes.filter((o) => relative.has(o.prediction.id));
    const { rolling, ...sheet } = tearSheet(outcomes, { lastReturns, relative, costBps });
    const levels = outcomes.map((o) => o.prediction.interval.level).sort((a, b) => a - b);
    return {
      schema: 'mlx.report/2',
      generated_at: ctx.now().toISOString(),
      window: { since, until: options.until ?? null, symbol: options.symbol ?? null, basis },
      totals: {
        predictions: predictions.length,
        verified: outcomes.length,
        unresolvable,
        pending: predictions.length - outcomes.length - unresolvable,
        verified_outside_window: everything.outcomes.length - outcomes.length,
      },
      overall: overallOf(outcomes),
      relative:
        groupFigures(
          judged,
          (o) => [
            { key: 'relative', hit: (relative.get(o.prediction.id) as { hit: boolean }).hit },
          ],
          { hitRateOnly: true },
        )[0] ?? null,
      in_sample: {
        predictions: inSample.predictions,
        verified: inSample.outcomes.length,
        overall: overallOf(inSample.outcomes),
      },
      symbols: selectSymbols(symbolFigures(outcomes, relative), options),
      signals: groupFigures(outcomes, bySignal, { hitRateOnly: true }),
      models: groupFigures(outcomes, byModel, { hitRateOnly: true }),
      baselines: groupFigures(outcomes, (o) => byBaseline(o, lastReturns.get(o.prediction.id)), {
        hitRateOnly: true,
      }),
      regimes: groupFigures(outcomes, byRegime),
      confidence: groupFigures(outcomes, byConfidence),
      calibration: calibrationTable(outcomes),
      rolling_hit_rate: rolling,
      ...sheet,
      interval_level: levels.length ? levels[Math.floor(levels.length / 2)] : null,
      min_periods_for_annualised: MIN_ANNUALISED_PERIODS,
      weights,
      weight_bounds: { floor: ctx.config.adaptation.floor, cap: ctx.config.adaptation.cap },
      weight_history: history,
      drivers: options.symbol ? featureDrivers(predictions) : null,
    };
  });
}

/** The start of the `days` up to the newest verified target (the clock's when nothing is verified). */
function recentStart(outcomes: readonly Outcome[], days: number, now: Date): string {
  const newest = outcomes.reduce<string | null>(
    (a, o) => (a === null || o.prediction.target_date > a ? o.prediction.target_date : a),
    null,
  );
  const end = newest ? new Date(`${newest}T00:00:00Z`) : now;
  return new Date(end.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}

interface LedgerRecords {
  predictions: Prediction[];
  verifications: ReturnType<typeof latestVerifications>;
}

/** Both ledgers as readers see them: each prediction id once, its latest verification. */
function readLedgers(ctx: Context): LedgerRecords {
  return {
    predictions: uniquePredictions(
      new Ledger(ctx.home.predictionsDir, predictionSchema).read().entries,
    ).entries.map((e) => e.record),
    verifications: latestVerifications(
      new Ledger(ctx.home.verificationsDir, verificationSchema).read().entries,
    ),
  };
}

interface WindowedOutcomes {
  predictions: Prediction[];
  outcomes: Outcome[];
  unresolvable: number;
  inSample: { predictions: number; outcomes: Outcome[] };
}

/**
 * Predictions in a window of target dates, joined with their verifications
 * (from the ledgers): each prediction id once, with its latest verification.
 * In-sample predictions are counted apart.
 */
export function loadOutcomes(
  ctx: Context,
  window: { since?: string | null; until?: string; symbol?: string },
): WindowedOutcomes {
  return selectWindow(readLedgers(ctx), window);
}

function selectWindow(
  ledgers: LedgerRecords,
  window: { since?: string | null; until?: string; symbol?: string },
): WindowedOutcomes {
  const inWindow = (p: Prediction) =>
    (!window.since || p.target_date >= window.since) &&
    (!window.until || p.target_date <= window.until) &&
    (!window.symbol || p.symbol === window.symbol);
  const all = ledgers.predictions.filter(inWindow);
  const predictions = all.filter((p) => p.in_sample !== true);
  const { verifications } = ledgers;
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
  const bySymbol = new Map<string, Outcome[]>();
  for (const o of outcomes) {
    const list = bySymbol.get(o.prediction.symbol);
    if (list) list.push(o);
    else bySymbol.set(o.prediction.symbol, [o]);
  }
  for (const [symbol, mine] of bySymbol) {
    if (!store.symbolInfo(symbol)) continue;
    const series = store.adjusted(symbol);
    const index = new Map(series.dates.map((d, i) => [d, i]));
    for (const o of mine) {
      const i = index.get(o.prediction.as_of);
      if (i !== undefined && i > 0)
        lastReturns.set(o.prediction.id, Math.log(series.close[i] / series.close[i - 1]));
    }
  }
  return lastReturns;
}
