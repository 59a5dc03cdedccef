import { mean, neweyWestT, spearman, MIN_CROSS_SECTION } from '../../src/evaluation/stats.ts';
import type { OosRow } from '../../src/training/oos.ts';

/** What the skill bench keeps of one walk-forward: each scored column's daily Rank IC by date. */
export interface DailySeries {
  /** Test dates (as_of), ascending. */
  dates: string[];
  /** Column → daily Rank IC aligned with `dates` (NaN where a date has too few rows). */
  rankIc: Record<string, number[]>;
  /** Share of test rows inside the ensemble's 80% interval: all folds, and the worst fold. */
  coverage: { all: number; worstFold: number; worstFoldFrom: string };
}

export const SCORED_COLUMNS = ['ensemble', 'xgb', 'lstm', 'rules'] as const;

/** Daily Rank IC of every scored column of `oos` against the realised return. */
export function dailySeries(oos: readonly OosRow[]): DailySeries {
  const byDate = new Map<string, OosRow[]>();
  for (const row of oos) {
    const day = String(row.as_of);
    const list = byDate.get(day);
    if (list) list.push(row);
    else byDate.set(day, [row]);
  }
  const dates = [...byDate.keys()].sort();
  const rankIc: Record<string, number[]> = {};
  for (const column of SCORED_COLUMNS) {
    rankIc[column] = dates.map((day) => {
      const rows = (byDate.get(day) ?? []).filter((r) => typeof r[column] === 'number');
      if (rows.length < MIN_CROSS_SECTION) return NaN;
      return spearman(
        rows.map((r) => r[column] as number),
        rows.map((r) => r.realised_log_return as number),
      );
    });
  }
  return { dates, rankIc, coverage: coverageOf(oos) };
}

function coverageOf(oos: readonly OosRow[]): DailySeries['coverage'] {
  const folds = new Map<number, { inside: number; rows: number; from: string }>();
  let inside = 0;
  for (const row of oos) {
    const y = row.realised_log_return as number;
    const hit = y >= (row.low as number) && y <= (row.high as number) ? 1 : 0;
    inside += hit;
    const fold = folds.get(row.fold as number) ?? { inside: 0, rows: 0, from: String(row.as_of) };
    fold.inside += hit;
    fold.rows++;
    if (String(row.as_of) < fold.from) fold.from = String(row.as_of);
    folds.set(row.fold as number, fold);
  }
  let worst = { share: 1, from: '' };
  for (const fold of folds.values()) {
    const share = fold.inside / fold.rows;
    if (share < worst.share) worst = { share, from: fold.from };
  }
  return {
    all: oos.length ? inside / oos.length : NaN,
    worstFold: worst.share,
    worstFoldFrom: worst.from,
  };
}

/** Mean and Newey–West t (h − 1 lags) of a daily series, over its finite values. */
export function summary(
  series: readonly number[],
  horizonDays: number,
): { mean: number; t: number; days: number } {
  const finite = series.filter((v) => Number.isFinite(v));
  return { mean: mean(finite), t: neweyWestT(finite, horizonDays - 1), days: finite.length };
}

/** a − b by date over the dates both have (a paired daily difference). */
export function pairedDifference(
  a: { dates: readonly string[]; values: readonly number[] },
  b: { dates: readonly string[]; values: readonly number[] },
): number[] {
  const other = new Map(b.dates.map((d, i) => [d, b.values[i]]));
  const out: number[] = [];
  a.dates.forEach((d, i) => {
    const v = other.get(d);
    if (v !== undefined && Number.isFinite(v) && Number.isFinite(a.values[i]))
      out.push(a.values[i] - v);
  });
  return out;
}

/** The mean over seeds of each date's value (dates every seed has). */
export function seedMean(
  runs: readonly { dates: readonly string[]; values: readonly number[] }[],
): {
  dates: string[];
  values: number[];
} {
  const maps = runs.map((run) => new Map(run.dates.map((d, i) => [d, run.values[i]])));
  const dates = runs[0].dates.filter((d) => maps.every((m) => Number.isFinite(m.get(d))));
  return { dates, values: dates.map((d) => mean(maps.map((m) => m.get(d) as number))) };
}
