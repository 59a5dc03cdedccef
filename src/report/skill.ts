import { mean, wilson } from '../evaluation/stats.ts';
import type { Prediction } from '../ledger/records.ts';
import type { Outcome } from './accuracy.ts';

/** What the tear sheet says it covers, and what the direction call is worth (pure). */

export interface ReportContext {
  /** Each model and the versions whose predictions are in the window (a backtest's retrains). */
  models: { name: string; versions: string[] }[];
  /** Symbols predicted in the window. */
  universe: number;
  as_of: { first: string; last: string } | null;
  target: { first: string; last: string } | null;
}

export function reportContext(predictions: readonly Prediction[]): ReportContext {
  const versions = new Map<string, Set<string>>();
  for (const p of predictions) {
    const set = versions.get(p.model.name) ?? new Set<string>();
    set.add(p.model.version);
    versions.set(p.model.name, set);
  }
  const range = (field: 'as_of' | 'target_date') => {
    if (predictions.length === 0) return null;
    const dates = predictions.map((p) => p[field]).sort();
    return { first: dates[0], last: dates[dates.length - 1] };
  };
  return {
    models: [...versions]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([name, set]) => ({ name, versions: [...set].sort() })),
    universe: new Set(predictions.map((p) => p.symbol)).size,
    as_of: range('as_of'),
    target: range('target_date'),
  };
}

export interface DirectionSkill {
  count: number;
  hit_rate: number;
  /** The share that rose: what always predicting "up" scores on the same predictions. */
  always_up: number;
  /** Share of the predictions whose direction was "up". */
  said_up: number;
  /** The direction's hit rate clears always-up's beyond its 95% interval. */
  direction_skill: boolean;
  /** Brier score of P(up), and of always stating the window's share that rose. */
  brier: number;
  base_rate_brier: number;
  /** P(up) scores a lower Brier than the base rate stated every time. */
  probability_skill: boolean;
}

/**
 * Whether the direction and P(up) carry anything beyond the base rate: a hit
 * rate whose interval does not clear always-up's, and a Brier score no better
 * than stating the share that rose, have none. Null with nothing verified.
 */
export function directionSkill(outcomes: readonly Outcome[]): DirectionSkill | null {
  if (outcomes.length === 0) return null;
  const rose = outcomes.map((o) => (o.verification.actual_change_pct > 0 ? 1 : 0));
  const hits = outcomes.filter((o) => o.verification.direction_hit).length;
  const alwaysUp = mean(rose);
  const brier = mean(outcomes.map((o, i) => (o.prediction.probability_up - rose[i]) ** 2));
  const baseRateBrier = mean(rose.map((r) => (alwaysUp - r) ** 2));
  return {
    count: outcomes.length,
    hit_rate: hits / outcomes.length,
    always_up: alwaysUp,
    said_up: outcomes.filter((o) => o.prediction.direction === 'up').length / outcomes.length,
    direction_skill: wilson(hits, outcomes.length).low > alwaysUp,
    brier,
    base_rate_brier: baseRateBrier,
    probability_skill: brier < baseRateBrier,
  };
}
