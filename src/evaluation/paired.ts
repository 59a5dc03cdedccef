import { MIN_CROSS_SECTION, mean, neweyWestT, spearman } from './stats.ts';

/**
 * Adaptive against static, on the same predictions (pure): for each figure a
 * daily series per arm over the sessions both verified, the mean daily
 * difference and its Newey–West t (the h-session outcomes of consecutive days
 * overlap, so h − 1 lags).
 */
export interface PairedOutcome {
  /** Session (as_of) of the prediction. */
  session: string;
  /** What ranks the prediction within its session. */
  score: number;
  /** Realised log return over the horizon. */
  realised: number;
  directionHit: boolean;
  /** Relative hit (sign of expected vs realised excess), where known. */
  excessHit?: boolean;
  probabilityUp: number;
  withinInterval?: boolean;
}

export interface PairedFigure {
  adaptive: number | null;
  static: number | null;
  /** Mean daily adaptive − static. */
  difference: number | null;
  t_stat: number | null;
  days: number;
}

export interface CoverageWindow {
  window: string;
  adaptive: number | null;
  static: number | null;
}

export interface ArmComparison {
  rank_ic: PairedFigure;
  hit_rate: PairedFigure;
  excess_hit_rate: PairedFigure;
  brier: PairedFigure;
  /** |coverage − target| of each arm; the paired series is |daily coverage − target|. */
  coverage_error: PairedFigure & { target: number };
  /** Coverage of each arm by calendar quarter. */
  coverage_by_quarter: CoverageWindow[];
  /** Whether coverage tracks the target over time: see quarterlyCoverage. */
  coverage_quarterly: QuarterlyCoverage;
  verdict: string[];
}

export interface QuarterlyCoverage {
  /** Mean over the quarters of |coverage − target|, per arm. */
  adaptive: number | null;
  static: number | null;
  /** Quarters with coverage in both arms. */
  quarters: number;
  /** Of those, the quarters where the adaptive arm is strictly nearer the target. */
  adaptive_nearer: number;
}

/** Rows of both arms keyed by prediction id; only ids both arms verified are compared. */
export function compareArms(
  adaptive: ReadonlyMap<string, PairedOutcome>,
  fixed: ReadonlyMap<string, PairedOutcome>,
  options: { horizonDays: number; coverageTarget: number },
): ArmComparison {
  const ids = [...adaptive.keys()].filter((id) => fixed.has(id));
  const sessions = new Map<string, string[]>();
  for (const id of ids) {
    const session = (adaptive.get(id) as PairedOutcome).session;
    sessions.set(session, [...(sessions.get(session) ?? []), id]);
  }
  const days = [...sessions.keys()].sort();
  const lags = options.horizonDays - 1;
  const target = options.coverageTarget;

  /** A figure computed per session for each arm, then paired. */
  const paired = (
    daily: (rows: PairedOutcome[]) => number | null,
    pooled: (rows: PairedOutcome[]) => number | null,
  ): PairedFigure => {
    const differences: number[] = [];
    for (const day of days) {
      const members = sessions.get(day) as string[];
      const a = daily(members.map((id) => adaptive.get(id) as PairedOutcome));
      const s = daily(members.map((id) => fixed.get(id) as PairedOutcome));
      if (a !== null && s !== null && Number.isFinite(a) && Number.isFinite(s))
        differences.push(a - s);
    }
    const all = (arm: ReadonlyMap<string, PairedOutcome>) =>
      pooled(ids.map((id) => arm.get(id) as PairedOutcome));
    return {
      adaptive: all(adaptive),
      static: all(fixed),
      difference: differences.length ? mean(differences) : null,
      t_stat: finite(neweyWestT(differences, lags)),
      days: differences.length,
    };
  };
  const share = (rows: PairedOutcome[], hit: (r: PairedOutcome) => boolean | undefined) => {
    const known = rows.filter((r) => hit(r) !== undefined);
    return known.length ? known.filter((r) => hit(r)).length / known.length : null;
  };
  const rankIcOf = (rows: PairedOutcome[]) =>
    rows.length >= MIN_CROSS_SECTION
      ? finite(
          spearman(
            rows.map((r) => r.score),
            rows.map((r) => r.realised),
          ),
        )
      : null;
  const meanRankIc = (rows: PairedOutcome[]) => {
    const bySession = new Map<string, PairedOutcome[]>();
    for (const r of rows) bySession.set(r.session, [...(bySession.get(r.session) ?? []), r]);
    const daily = [...bySession.values()].map(rankIcOf).filter((v): v is number => v !== null);
    return daily.length ? mean(daily) : null;
  };
  const brierOf = (rows: PairedOutcome[]) =>
    rows.length ? mean(rows.map((r) => (r.probabilityUp - (r.realised > 0 ? 1 : 0)) ** 2)) : null;
  const coverageOf = (rows: PairedOutcome[]) => share(rows, (r) => r.withinInterval);
  const coverageError = (rows: PairedOutcome[]) => {
    const c = coverageOf(rows);
    return c === null ? null : Math.abs(c - target);
  };

  const coverageByQuarter = quarters(days).map(({ window, from, to }) => {
    const within = ids.filter((id) => {
      const session = (adaptive.get(id) as PairedOutcome).session;
      return session >= from && session <= to;
    });
    const of = (arm: ReadonlyMap<string, PairedOutcome>) =>
      coverageOf(within.map((id) => arm.get(id) as PairedOutcome));
    return { window, adaptive: of(adaptive), static: of(fixed) };
  });
  const comparison = {
    rank_ic: paired(rankIcOf, meanRankIc),
    hit_rate: paired(
      (rows) => share(rows, (r) => r.directionHit),
      (rows) => share(rows, (r) => r.directionHit),
    ),
    excess_hit_rate: paired(
      (rows) => share(rows, (r) => r.excessHit),
      (rows) => share(rows, (r) => r.excessHit),
    ),
    brier: paired(brierOf, brierOf),
    coverage_error: { ...paired(coverageError, coverageError), target },
    coverage_by_quarter: coverageByQuarter,
    coverage_quarterly: quarterlyCoverage(coverageByQuarter, target),
    verdict: [] as string[],
  };
  comparison.verdict = verdictLines(comparison);
  return comparison;
}

function verdictLines(c: Omit<ArmComparison, 'verdict'>): string[] {
  const f = (v: number | null, digits = 4) => (v === null ? 'n/a' : v.toFixed(digits));
  const t = (figure: PairedFigure) =>
    `paired Newey–West t ${f(figure.t_stat, 2)}, ${figure.days} days`;
  const significant = (figure: PairedFigure) =>
    figure.t_stat !== null && Math.abs(figure.t_stat) > 2;
  const line = (name: string, figure: PairedFigure, higherIsBetter: boolean, digits = 4) => {
    const d = figure.difference;
    const better = d !== null && (higherIsBetter ? d > 0 : d < 0);
    const judgement =
      d === null
        ? 'not comparable'
        : !significant(figure)
          ? 'no significant difference'
          : better
            ? 'adaptive significantly better'
            : 'adaptive significantly WORSE';
    return `${name}: adaptive ${f(figure.adaptive, digits)} vs static ${f(figure.static, digits)} (mean daily difference ${f(d, digits)}, ${t(figure)}) — ${judgement}`;
  };
  const lines = [
    line('Rank IC', c.rank_ic, true),
    line('direction hit rate', c.hit_rate, true),
    line('relative hit rate', c.excess_hit_rate, true),
    line('Brier', c.brier, false, 5),
    line(`|coverage − ${c.coverage_error.target}|`, c.coverage_error, false),
  ];
  const q = c.coverage_quarterly;
  if (q.quarters > 0)
    lines.push(
      `|coverage − ${c.coverage_error.target}| by quarter: adaptive ${f(q.adaptive)} vs static ${f(q.static)} (mean over ${q.quarters} quarters; adaptive nearer in ${q.adaptive_nearer} of them) — descriptive, too few quarters for a test`,
    );
  const worse =
    [c.rank_ic, c.hit_rate, c.excess_hit_rate].some(
      (x) => significant(x) && (x.difference ?? 0) < 0,
    ) || [c.brier, c.coverage_error].some((x) => significant(x) && (x.difference ?? 0) > 0);
  const better =
    [c.rank_ic, c.hit_rate, c.excess_hit_rate].some(
      (x) => significant(x) && (x.difference ?? 0) > 0,
    ) || [c.brier, c.coverage_error].some((x) => significant(x) && (x.difference ?? 0) < 0);
  lines.push(
    worse
      ? 'verdict: adaptation HURTS on at least one figure'
      : better
        ? 'verdict: adaptation helps on at least one figure and hurts on none'
        : 'verdict: no significant difference between adapting and not',
  );
  return lines;
}

/**
 * Whether coverage keeps its promise over time, not only on average: the mean
 * |quarterly coverage − target| of each arm (an arm that under-covers one
 * quarter and over-covers the next is penalised for both), and how many
 * quarters the adaptive arm was nearer the target. Quarters lacking either
 * arm's coverage are left out (pure).
 */
function quarterlyCoverage(windows: readonly CoverageWindow[], target: number): QuarterlyCoverage {
  const both = windows.filter(
    (w): w is CoverageWindow & { adaptive: number; static: number } =>
      w.adaptive !== null && w.static !== null,
  );
  const error = (arm: 'adaptive' | 'static') =>
    both.length ? mean(both.map((w) => Math.abs(w[arm] - target))) : null;
  return {
    adaptive: error('adaptive'),
    static: error('static'),
    quarters: both.length,
    adaptive_nearer: both.filter((w) => Math.abs(w.adaptive - target) < Math.abs(w.static - target))
      .length,
  };
}

/** A date's calendar quarter, e.g. 2020Q1. */
export function quarterOf(day: string): string {
  return `${day.slice(0, 4)}Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
}

function quarters(days: readonly string[]): { window: string; from: string; to: string }[] {
  const seen = new Map<string, { from: string; to: string }>();
  for (const day of days) {
    const key = quarterOf(day);
    const window = seen.get(key);
    if (window) window.to = day;
    else seen.set(key, { from: day, to: day });
  }
  return [...seen].map(([window, span]) => ({ window, ...span }));
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
