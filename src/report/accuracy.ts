import { BASELINES, baselineCallsUp } from '../evaluation/baselines.ts';
import type { Prediction, Verification } from '../ledger/records.ts';
import { mean, wilson } from '../evaluation/stats.ts';

/** A verified prediction joined with its verification (status verified only). */
export interface Outcome {
  prediction: Prediction;
  verification: Verification & { actual_change_pct: number; direction_hit: boolean };
}

export interface GroupFigures {
  key: string;
  count: number;
  hits: number;
  hit_rate: number | null;
  /** 95% Wilson interval of the hit rate. */
  hit_rate_ci: { low: number; high: number } | null;
  mean_abs_error_pct: number | null;
  coverage: number | null;
  brier: number | null;
}

/** Hit rate (with its interval), error, coverage and Brier for outcomes grouped by `keyOf` (pure). */
export function groupFigures(
  outcomes: readonly Outcome[],
  keysOf: (o: Outcome) => { key: string; hit: boolean }[],
  options: { hitRateOnly?: boolean } = {},
): GroupFigures[] {
  const groups = new Map<
    string,
    { hits: number; errors: number[]; covered: number; intervals: number; brier: number[] }
  >();
  for (const o of outcomes) {
    for (const { key, hit } of keysOf(o)) {
      const g = groups.get(key) ?? { hits: 0, errors: [], covered: 0, intervals: 0, brier: [] };
      if (hit) g.hits++;
      g.errors.push(Math.abs(o.verification.error_pct ?? 0));
      if (o.verification.within_interval !== undefined) {
        g.intervals++;
        if (o.verification.within_interval) g.covered++;
      }
      const up = o.verification.actual_change_pct > 0 ? 1 : 0;
      g.brier.push((o.prediction.probability_up - up) ** 2);
      groups.set(key, g);
    }
  }
  return [...groups]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([key, g]) => {
      const count = g.errors.length;
      return {
        key,
        count,
        hits: g.hits,
        hit_rate: count ? g.hits / count : null,
        hit_rate_ci: count ? wilson(g.hits, count) : null,
        // A component's or a baseline's group shares the ensemble's records: only its hit rate is its own.
        mean_abs_error_pct: count && !options.hitRateOnly ? mean(g.errors) : null,
        coverage: g.intervals && !options.hitRateOnly ? g.covered / g.intervals : null,
        brier: count && !options.hitRateOnly ? mean(g.brier) : null,
      };
    });
}

const realisedUp = (o: Outcome) => o.verification.actual_change_pct > 0;

/**
 * What ranks a prediction among its session's: the ensemble score of a
 * `/2` record (its forecast can be flat when the head found no excess to
 * scale), the predicted change of a `/1` record.
 */
export function rankingScore(prediction: Prediction): number {
  return prediction.schema === 'mlx.prediction/2'
    ? prediction.ensemble_score
    : Math.log1p(prediction.predicted_change_pct / 100);
}

export const bySymbol = (o: Outcome) => [
  { key: o.prediction.symbol, hit: o.verification.direction_hit },
];
export const byRegime = (o: Outcome) => [
  { key: o.prediction.market_regime ?? 'unknown', hit: o.verification.direction_hit },
];
export const byConfidence = (o: Outcome) => {
  const bucket = Math.min(4, Math.floor(o.prediction.confidence * 5));
  return [
    {
      key: `${(bucket * 0.2).toFixed(1)}–${((bucket + 1) * 0.2).toFixed(1)}`,
      hit: o.verification.direction_hit,
    },
  ];
};
/** A signal is right when the sign of its value matches the realised move. */
export const bySignal = (o: Outcome) =>
  o.prediction.signals
    .filter((s) => s.value !== 0)
    .map((s) => ({ key: s.name, hit: s.value > 0 === realisedUp(o) }));
/** Each model component alone, the rules, and the ensemble (the record's direction). */
export const byModel = (o: Outcome) => [
  ...(['xgb', 'lstm'] as const)
    .filter((m) => o.prediction.components[m] !== undefined)
    .map((m) => ({ key: m, hit: (o.prediction.components[m] as number) >= 0 === realisedUp(o) })),
  { key: 'rules', hit: o.prediction.components.rules >= 0 === realisedUp(o) },
  { key: 'ensemble', hit: o.verification.direction_hit },
];
/** Naive baselines on the same outcomes. */
export const byBaseline = (o: Outcome, lastReturn: number | undefined) =>
  BASELINES.flatMap((key) => {
    const up = baselineCallsUp(key, lastReturn);
    return up === null ? [] : [{ key, hit: up === realisedUp(o) }];
  });

export interface CalibrationBin {
  from: number;
  to: number;
  count: number;
  mean_predicted: number | null;
  realised: number | null;
}

/**
 * Predicted P(up) against how often the price really rose (pure), in up to
 * `bins` bins of equal count: P(up) that stays between 50% and 60% is cut
 * where the predictions are, not into ten fixed tenths most of them miss.
 * A bin's from/to are its lowest and highest P(up).
 */
export function calibrationTable(outcomes: readonly Outcome[], bins = 10): CalibrationBin[] {
  const sorted = [...outcomes].sort(
    (a, b) => a.prediction.probability_up - b.prediction.probability_up,
  );
  const count = Math.min(bins, Math.floor(sorted.length / MIN_CALIBRATION_BIN));
  if (count === 0) return sorted.length ? [calibrationBin(sorted)] : [];
  return Array.from({ length: count }, (_, i) =>
    calibrationBin(
      sorted.slice(
        Math.floor((i * sorted.length) / count),
        Math.floor(((i + 1) * sorted.length) / count),
      ),
    ),
  );
}

/** A calibration bin holds at least this many predictions (when there are that many). */
const MIN_CALIBRATION_BIN = 20;

function calibrationBin(members: readonly Outcome[]): CalibrationBin {
  const p = members.map((o) => o.prediction.probability_up);
  return {
    from: p[0],
    to: p[p.length - 1],
    count: p.length,
    mean_predicted: mean(p),
    realised: members.filter(realisedUp).length / members.length,
  };
}

export interface SymbolFigures extends GroupFigures {
  symbol: string;
  /** Share of the symbol's verified predictions whose price rose: always-up's hit rate. */
  up_rate: number | null;
  /** Hit rate of the relative call (beat the session's universe or not); null without one. */
  relative_hit_rate: number | null;
  relative_count: number;
}

/** Per-symbol hit rate beside the symbol's own up-rate and its relative hit rate (pure). */
export function symbolFigures(
  outcomes: readonly Outcome[],
  relative: ReadonlyMap<string, { hit: boolean }>,
): SymbolFigures[] {
  const bySymbolName = new Map<string, Outcome[]>();
  for (const o of outcomes) {
    const list = bySymbolName.get(o.prediction.symbol);
    if (list) list.push(o);
    else bySymbolName.set(o.prediction.symbol, [o]);
  }
  return groupFigures(outcomes, bySymbol).map((g) => {
    const mine = bySymbolName.get(g.key) ?? [];
    const judged = mine.flatMap((o) => relative.get(o.prediction.id) ?? []);
    return {
      ...g,
      symbol: g.key,
      up_rate: mine.length ? mine.filter(realisedUp).length / mine.length : null,
      relative_hit_rate: judged.length ? judged.filter((r) => r.hit).length / judged.length : null,
      relative_count: judged.length,
    };
  });
}

/** Fields `report --sort` orders the symbols by. */
export const SYMBOL_SORT_FIELDS = [
  'hit_rate',
  'relative_hit_rate',
  'up_rate',
  'count',
  'coverage',
  'brier',
  'mean_abs_error_pct',
  'symbol',
] as const;
export type SymbolSortField = (typeof SYMBOL_SORT_FIELDS)[number];

/** Symbols sorted by a field (numbers highest first unless `ascending`; missing last), then the first `top`. */
export function selectSymbols(
  symbols: readonly SymbolFigures[],
  options: { sort?: SymbolSortField; ascending?: boolean; top?: number },
): SymbolFigures[] {
  let list = [...symbols];
  const field = options.sort;
  if (field !== undefined) {
    const ascending = options.ascending ?? field === 'symbol';
    list = list
      .map((s, index) => ({ s, index, value: s[field] }))
      .sort((a, b) => {
        if (a.value === null || b.value === null)
          return a.value === b.value ? a.index - b.index : a.value === null ? 1 : -1;
        if (a.value === b.value) return a.index - b.index;
        return (a.value < b.value ? -1 : 1) * (ascending ? 1 : -1);
      })
      .map((x) => x.s);
  }
  return options.top === undefined ? list : list.slice(0, options.top);
}
