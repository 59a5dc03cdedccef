import { MIN_ANNUALISED_PERIODS } from '../evaluation/metrics.ts';
import { featureDrivers, type Drivers } from '../explain/drivers.ts';
import type { Prediction } from '../ledger/records.ts';
import type { latestVerifications } from '../ledger/views.ts';
import type { WeightChange } from '../weights/update.ts';
import { stockMultipliers } from '../weights/weights.ts';
import type { WeightRow } from '../store/weight-store.ts';
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
} from './accuracy.ts';
import { relativeOutcomes } from './excess.ts';
import type { ForwardReturns } from './signal.ts';
import { directionSkill, reportContext, type DirectionSkill, type ReportContext } from './skill.ts';
import { tearSheet, type TearSheet } from './tearsheet.ts';

/**
 * The report document (`mlx report --json`, the text report and the HTML
 * tear sheet) and its pure assembly from the ledgers' records and the
 * store's weights, which the command reads.
 */
export interface Report extends Omit<TearSheet, 'rolling'> {
  schema: 'mlx.report/2';
  generated_at: string;
  /** Models and versions, universe and dates of the window's predictions. */
  context: ReportContext;
  /** What the direction and P(up) are worth against always-up; null with nothing verified. */
  direction_skill: DirectionSkill | null;
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

export interface LedgerRecords {
  predictions: Prediction[];
  verifications: ReturnType<typeof latestVerifications>;
}

export interface WindowedOutcomes {
  predictions: Prediction[];
  outcomes: Outcome[];
  unresolvable: number;
  inSample: { predictions: number; outcomes: Outcome[] };
}

/**
 * Predictions in a window of target dates, joined with their verifications:
 * each prediction id once, with its latest verification. In-sample
 * predictions are counted apart.
 */
export function selectWindow(
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

/** The window a report covers, and the records in it. */
export interface ReportSelection {
  window: Report['window'];
  everything: WindowedOutcomes;
  selected: WindowedOutcomes;
  /** Each verified prediction's relative call, judged against its whole session. */
  relative: ReturnType<typeof relativeOutcomes>;
}

/** Which records a report covers: `since` is resolved already (a date, or null). */
export function selectReport(
  ledgers: LedgerRecords,
  options: Omit<ReportOptions, 'since'> & { since: string | null },
  now: Date,
): ReportSelection {
  const everything = selectWindow(ledgers, { symbol: options.symbol });
  let { since } = options;
  let basis: Report['window']['basis'] = since !== null ? 'since' : 'all';
  if (since === null && options.recentDays !== undefined) {
    basis = 'recent';
    since = recentStart(everything.outcomes, options.recentDays, now);
  }
  const selected = selectWindow(ledgers, { since, until: options.until, symbol: options.symbol });
  // The universe a stock is judged against is its whole session, whatever --symbol shows.
  const relative = relativeOutcomes(
    selectWindow(ledgers, { since, until: options.until }).outcomes,
  );
  return {
    window: { since, until: options.until ?? null, symbol: options.symbol ?? null, basis },
    everything,
    selected,
    relative,
  };
}

/** What the report takes from the store: returns for the momentum baseline, and the weights. */
export interface StoreFigures {
  lastReturns: ReadonlyMap<string, number>;
  weights: readonly WeightRow[];
  /** With --symbol: its logged weight changes. */
  history: WeightChange[];
  weightBounds: { floor: number; cap: number };
  /** Each verified prediction's forward returns by horizon, from the stored bars. */
  forward?: ForwardReturns;
  /** Symbol → GICS sector, as the store holds it. */
  sectors?: ReadonlyMap<string, string>;
}

/** The report document, from its selection and the store's figures. */
export function assembleReport(
  selection: ReportSelection,
  store: StoreFigures,
  options: ReportOptions,
  generatedAt: Date,
): Report {
  const { predictions, outcomes, unresolvable, inSample } = selection.selected;
  const { relative } = selection;
  const { lastReturns } = store;
  const costBps = options.costBps ?? 0;
  const overallOf = (list: readonly Outcome[]) =>
    groupFigures(list, (o) => [{ key: 'ensemble', hit: o.verification.direction_hit }])[0] ?? null;
  const judged = outcomes.filter((o) => relative.has(o.prediction.id));
  const { rolling, ...sheet } = tearSheet(outcomes, {
    lastReturns,
    relative,
    costBps,
    forward: store.forward,
    sectors: store.sectors,
  });
  const levels = outcomes.map((o) => o.prediction.interval.level).sort((a, b) => a - b);
  return {
    schema: 'mlx.report/2',
    generated_at: generatedAt.toISOString(),
    context: reportContext(predictions),
    direction_skill: directionSkill(outcomes),
    window: selection.window,
    totals: {
      predictions: predictions.length,
      verified: outcomes.length,
      unresolvable,
      pending: predictions.length - outcomes.length - unresolvable,
      verified_outside_window: selection.everything.outcomes.length - outcomes.length,
    },
    overall: overallOf(outcomes),
    relative:
      groupFigures(
        judged,
        (o) => [{ key: 'relative', hit: (relative.get(o.prediction.id) as { hit: boolean }).hit }],
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
    weights: stockMultipliers(store.weights, options.symbol),
    weight_bounds: store.weightBounds,
    weight_history: store.history,
    drivers: options.symbol ? featureDrivers(predictions) : null,
  };
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
