import { spearman } from '../../src/evaluation/stats.ts';

/** Mean daily Spearman correlation over dates with at least `minimum` rows (as metrics.json states). */
export function dailyRankIcOf(
  predicted: ArrayLike<number>,
  actual: ArrayLike<number>,
  dateIndex: ArrayLike<number>,
  minimum = 5,
): number {
  const byDate = new Map<number, number[]>();
  for (let i = 0; i < dateIndex.length; i++) {
    const rows = byDate.get(dateIndex[i]) ?? [];
    rows.push(i);
    byDate.set(dateIndex[i], rows);
  }
  const daily: number[] = [];
  for (const rows of byDate.values()) {
    if (rows.length < minimum) continue;
    const value = spearman(
      rows.map((i) => predicted[i]),
      rows.map((i) => actual[i]),
    );
    if (Number.isFinite(value)) daily.push(value);
  }
  return daily.reduce((a, b) => a + b, 0) / daily.length;
}
