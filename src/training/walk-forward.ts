import type { TrainSettings } from '../config.ts';
import type { Metrics } from '../evaluation/metrics.ts';
import type { XGBoostLib } from '../models/xgboost/index.ts';
import { rowsByDate } from '../dataset/cross-section.ts';
import { rankIcByDate } from './daily-rank-ic.ts';
import { headFitRows } from './ensemble.ts';
import type { ModelKind, TrainEvent } from './fit.ts';
import { rowsBetween, usableRows, type FoldOutcome } from './fold-fit.ts';
import { FoldRun } from './fold-pool.ts';
import { trainingWindow, walkForwardFolds, type Fold } from './folds.ts';
import { COMPONENTS, fitHead, type BlendEvidence } from './head.ts';
import { judgeFold, metricsOf, type Collected, type ScoredName } from './judge.ts';
import type { OosRow } from './oos.ts';
import type { Dataset } from '../dataset/panel.ts';

export interface FoldReport {
  index: number;
  train: { from: string; to: string; rows: number };
  validation: { from: string; to: string; rows: number };
  test: { from: string; to: string; rows: number };
  xgb?: { rounds_run: number; best_iteration: number };
  lstm?: { epochs_run: number; samples: number; backend: string };
  /** How the fold's head combined the components, fitted on its validation rows. */
  ensemble: { weights: Record<string, number>; weighting: string; excess_per_score: number };
  ensemble_rank_ic: number | null;
  ensemble_directional_accuracy: number | null;
  /** Share of the fold's test rows inside the ensemble's 80% interval. */
  coverage: number | null;
}

export interface WalkForwardResult {
  folds: FoldReport[];
  metrics: Partial<Record<ScoredName, Metrics>>;
  /** Every scored test row (oos.csv). */
  oos: OosRow[];
  /** Each component's daily Rank IC over every fold's test rows, in date order (the blend's evidence). */
  evidence: BlendEvidence;
}

export interface WalkForwardInput {
  data: Dataset;
  horizonDays: number;
  settings: TrainSettings;
  models: readonly ModelKind[];
  seed: number;
  xgbLib: XGBoostLib | null;
  /** Threads fitting folds at once, the caller's included (see FoldRun). */
  jobs: number;
  onEvent?: (event: TrainEvent) => void;
  /** As each fold is fitted, in whatever order the threads finish them. */
  onFoldFitted?: (test: { from: string; to: string }, done: number, of: number) => void;
  /** As each fold is judged, in fold order, once all are fitted. */
  onFold?: (fold: FoldReport, of: number) => void;
  /** One model set per symbol instead of the pooled model. */
  perSymbol?: boolean;
}

export function labelledDates(data: Dataset): number {
  let last = -1;
  for (let r = 0; r < data.rows; r++)
    if (Number.isFinite(data.y[r]) && data.dateIndex[r] > last) last = data.dateIndex[r];
  return last + 1;
}

/**
 * The final fit's rows: every labelled date up to the last, the most recent
 * `validationShare` of them for validation, purged by the horizon.
 */
export function finalFitRows(
  data: Dataset,
  models: readonly ModelKind[],
  settings: { lstm: { timesteps: number }; validationShare: number; trainSessions: number },
  horizonDays: number,
): { window: ReturnType<typeof trainingWindow>; trainRows: Int32Array; validRows: Int32Array } {
  const usable = usableRows(data, models, settings.lstm.timesteps);
  const window = trainingWindow(
    labelledDates(data) - 1,
    horizonDays,
    settings.validationShare,
    settings.trainSessions,
  );
  return {
    window,
    trainRows: rowsBetween(data, window.trainStart, window.trainEnd, usable),
    validRows: rowsBetween(data, window.validStart, window.validEnd, usable),
  };
}

/**
 * Expanding-window walk-forward, started: worker threads begin fitting folds at
 * once (see FoldRun) while the caller does other work (train fits its final
 * model); `finish` joins in, then judges every fold in order. For a fold, a
 * scaler, models and a head are fitted on earlier rows only (purged by the
 * horizon; the head on the validation slice), then every model and baseline is
 * predicted on the fold's rows.
 */
export function startWalkForward(input: WalkForwardInput): {
  finish(): Promise<WalkForwardResult>;
  stop(): Promise<void>;
} {
  const fits = startFoldFits(input);
  return {
    finish: async () => judgeFolds(input, fits.folds, await fits.outcomes()),
    stop: fits.stop,
  };
}

/** The folds' fits, started; `outcomes` joins in and returns them in fold order (unjudged). */
export function startFoldFits(input: WalkForwardInput): {
  folds: Fold[];
  outcomes(): Promise<(FoldOutcome | null)[]>;
  stop(): Promise<void>;
} {
  const { data, settings, horizonDays } = input;
  const folds = walkForwardFolds({
    labelledDates: labelledDates(data),
    horizonDays,
    testSessions: settings.testSessions,
    folds: settings.folds,
    validationShare: settings.validationShare,
    trainSessions: settings.trainSessions,
  });
  let fitted = 0;
  const run = new FoldRun(
    {
      data,
      horizonDays,
      settings,
      models: input.models,
      seed: input.seed,
      perSymbol: input.perSymbol ?? false,
    },
    folds,
    {
      jobs: input.jobs,
      xgbLib: input.xgbLib,
      ...(input.onEvent ? { onEvent: input.onEvent } : {}),
      onOutcome: (position) => {
        const fold = folds[position];
        const test = { from: data.dates[fold.testStart], to: data.dates[fold.testEnd] };
        input.onFoldFitted?.(test, ++fitted, folds.length);
      },
    },
  );
  return { folds, outcomes: () => run.finish(), stop: () => run.stop() };
}

/**
 * Every fitted fold judged in fold order, as a sequential run would. The
 * outcomes are not changed, so they can be judged again under another head.
 */
export function judgeFolds(
  input: Pick<WalkForwardInput, 'data' | 'settings' | 'horizonDays' | 'onFold'>,
  folds: readonly Fold[],
  outcomes: readonly (FoldOutcome | null)[],
): WalkForwardResult {
  const { data } = input;
  const collected = new Map<ScoredName, Collected>();
  const reports: FoldReport[] = [];
  const oos: OosRow[] = [];
  // Each component's Rank IC by date on the folds judged so far (the blend's evidence).
  const daily: Record<string, { date: number; ic: number }[]> = {};
  folds.forEach((fold, position) => {
    const outcome = outcomes[position];
    if (!outcome) return;
    // A blending head weighs the components by how they ranked earlier folds' test rows,
    // on the dates whose returns were realised before this fold's test (its validation end).
    const heads =
      input.settings.head === 'blend'
        ? {
            ...outcome.heads,
            head: fitHead(headFitRows(data, outcome.validation), outcome.heads.base, {
              weighting: 'blend',
              evidence: evidenceUpTo(daily, fold.validEnd),
              blendShrink: input.settings.blendShrink,
            }),
          }
        : outcome.heads;
    const judged = judgeFold(data, heads, outcome.rows, outcome.components, collected, fold.index);
    for (const [name, days] of Object.entries(componentRankIcs(data, outcome))) {
      (daily[name] ??= []).push(...days);
    }
    oos.push(...judged.oos);
    const report = foldReport(data, fold, { ...outcome, heads });
    report.ensemble_rank_ic = judged.rankIc;
    report.coverage = judged.coverage;
    report.ensemble_directional_accuracy = judged.directionalAccuracy;
    reports.push(report);
    input.onFold?.(report, folds.length);
  });
  return {
    folds: reports,
    metrics: metricsOf(collected, input.horizonDays),
    oos,
    evidence: evidenceUpTo(daily, Infinity),
  };
}

/** Each component's Rank IC on the dates up to `last`, in date order. */
function evidenceUpTo(
  daily: Record<string, { date: number; ic: number }[]>,
  last: number,
): BlendEvidence {
  return Object.fromEntries(
    Object.entries(daily).map(([name, days]) => [
      name,
      days.filter((d) => d.date <= last).map((d) => d.ic),
    ]),
  );
}

/** Each component's Rank IC on each date of a fold's test rows (dates with too few rows left out). */
function componentRankIcs(
  data: Dataset,
  outcome: FoldOutcome,
): Record<string, { date: number; ic: number }[]> {
  const byDate = [...rowsByDate(Int32Array.from(outcome.rows, (r) => data.dateIndex[r]))].sort(
    (a, b) => a[0] - b[0],
  );
  const groups = byDate.map((g) => g[1]);
  const forward = Float64Array.from(outcome.rows, (r) => data.y[r]);
  const out: Record<string, { date: number; ic: number }[]> = {};
  for (const name of COMPONENTS) {
    const scores = outcome.components[name];
    if (!scores) continue;
    out[name] = rankIcByDate(scores, forward, groups)
      .map((ic, i) => ({ date: byDate[i][0], ic }))
      .filter((d) => Number.isFinite(d.ic));
  }
  return out;
}

function foldReport(data: Dataset, fold: Fold, outcome: FoldOutcome): FoldReport {
  const span = (from: number, to: number, rows: number) => ({
    from: data.dates[from],
    to: data.dates[Math.min(to, data.dates.length - 1)],
    rows,
  });
  const { info, heads } = outcome;
  return {
    index: fold.index,
    train: span(fold.trainStart, fold.trainEnd, outcome.trainRows),
    validation: span(fold.validStart, fold.validEnd, outcome.validRows),
    test: span(fold.testStart, fold.testEnd, outcome.rows.length),
    ...(info?.xgb
      ? { xgb: { rounds_run: info.xgb.rounds_run, best_iteration: info.xgb.best_iteration } }
      : {}),
    ...(info?.lstm
      ? {
          lstm: {
            epochs_run: info.lstm.epochs_run,
            samples: info.lstm.samples,
            backend: info.lstm.backend,
          },
        }
      : {}),
    ensemble: {
      weights: heads.head.weights,
      weighting: heads.head.weighting,
      excess_per_score: heads.head.excess_per_score,
    },
    ensemble_rank_ic: null,
    ensemble_directional_accuracy: null,
    coverage: null,
  };
}
