import { MIN_CROSS_SECTION, mean, neweyWestT, spearman, stdev } from '../evaluation/stats.ts';
import { rankingScore, type Outcome } from './accuracy.ts';
import type { RelativeOutcome } from './excess.ts';

/** Trailing windows, in sessions. */
export const RANK_IC_WINDOW = 60;
export const ROLLING_WINDOW = 20;
/** An expanding mean needs this many sessions before it is drawn. */
export const MIN_TRAILING = 5;

/**
 * How a window's rate is taken: over the trailing `window` sessions, from the
 * first session where the window is full; or, where too few sessions give a
 * full window twice (no line), over every session so far from MIN_TRAILING on.
 */
export type WindowKind = 'trailing' | 'expanding';

export function windowKind(sessions: number, window: number): WindowKind {
  return sessions > window ? 'trailing' : 'expanding';
}

/** Index of the first session a rate is given for, and the first session it pools at index i. */
function windowBounds(kind: WindowKind, window: number) {
  return {
    first: kind === 'trailing' ? window - 1 : MIN_TRAILING - 1,
    from: (i: number) => (kind === 'trailing' ? i - window + 1 : 0),
  };
}

function bySession(outcomes: readonly Outcome[]): [string, Outcome[]][] {
  const sessions = new Map<string, Outcome[]>();
  for (const o of outcomes) {
    const list = sessions.get(o.prediction.as_of);
    if (list) list.push(o);
    else sessions.set(o.prediction.as_of, [o]);
  }
  return [...sessions].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

export interface RankIcReport {
  mean: number | null;
  /** Newey–West t with horizon − 1 lags: the daily series of h-day returns overlaps. */
  t_stat: number | null;
  /** Mean over standard deviation of the daily series (Qlib's Rank ICIR). */
  ir: number | null;
  days: number;
  window: number;
  /** trailing: the last `window` sessions, from the first full window; expanding: every session so far. */
  window_kind: WindowKind;
  daily: { date: string; rank_ic: number; n: number; trailing_mean: number | null }[];
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);

/** Each session's Spearman correlation of score with realised return, and its trailing mean (pure). */
export function rankIcReport(outcomes: readonly Outcome[], horizonDays: number): RankIcReport {
  const daily: RankIcReport['daily'] = [];
  for (const [date, members] of bySession(outcomes)) {
    if (members.length < MIN_CROSS_SECTION) continue;
    const ic = spearman(
      members.map((o) => rankingScore(o.prediction)),
      members.map((o) => o.verification.actual_change_pct),
    );
    if (!Number.isFinite(ic)) continue;
    daily.push({ date, rank_ic: ic, n: members.length, trailing_mean: null });
  }
  const kind = windowKind(daily.length, RANK_IC_WINDOW);
  const bounds = windowBounds(kind, RANK_IC_WINDOW);
  daily.forEach((d, i) => {
    if (i < bounds.first) return;
    d.trailing_mean = mean(daily.slice(bounds.from(i), i + 1).map((s) => s.rank_ic));
  });
  const series = daily.map((d) => d.rank_ic);
  return {
    mean: series.length ? mean(series) : null,
    t_stat: finite(neweyWestT(series, horizonDays - 1)),
    ir: finite(mean(series) / stdev(series)),
    days: series.length,
    window: RANK_IC_WINDOW,
    window_kind: kind,
    daily,
  };
}

export interface RollingPoint {
  date: string;
  /** Verified predictions in the trailing window. */
  count: number;
  hit_rate: number;
  /** Share that rose: the hit rate of always predicting "up". */
  always_up: number;
  /** Hit rate of the relative call (beat the session's universe or not); null without a universe. */
  relative: number | null;
  /** Share of realised prices inside the predicted interval; null when none says. */
  coverage: number | null;
}

/**
 * Pooled rates over a window of sessions (pure): trailing, one point per
 * session from the first full window; expanding where too few sessions give a
 * full window twice (see windowKind).
 */
export function rollingRates(
  outcomes: readonly Outcome[],
  relative: ReadonlyMap<string, RelativeOutcome>,
  window = ROLLING_WINDOW,
): RollingPoint[] {
  const sessions = bySession(outcomes).map(([date, members]) => {
    const counts = { n: 0, hits: 0, ups: 0, relN: 0, relHits: 0, intN: 0, covered: 0 };
    for (const o of members) {
      counts.n++;
      if (o.verification.direction_hit) counts.hits++;
      if (o.verification.actual_change_pct > 0) counts.ups++;
      const r = relative.get(o.prediction.id);
      if (r) {
        counts.relN++;
        if (r.hit) counts.relHits++;
      }
      if (o.verification.within_interval !== undefined) {
        counts.intN++;
        if (o.verification.within_interval) counts.covered++;
      }
    }
    return { date, counts };
  });
  const bounds = windowBounds(windowKind(sessions.length, window), window);
  return sessions.slice(bounds.first).map(({ date }, j) => {
    const i = j + bounds.first;
    const total = { n: 0, hits: 0, ups: 0, relN: 0, relHits: 0, intN: 0, covered: 0 };
    for (const s of sessions.slice(bounds.from(i), i + 1))
      for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += s.counts[key];
    return {
      date,
      count: total.n,
      hit_rate: total.hits / total.n,
      always_up: total.ups / total.n,
      relative: total.relN ? total.relHits / total.relN : null,
      coverage: total.intN ? total.covered / total.intN : null,
    };
  });
}
