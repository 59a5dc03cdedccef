import { MIN_CROSS_SECTION, mean, neweyWestT, spearman } from '../evaluation/stats.ts';

// Daily Rank IC, the figure the head and XGBoost's early stopping choose by: on each
// date, the Spearman correlation of scores with realised returns across stocks.

/** Daily Spearman correlations, in the groups' order, over dates with enough rows. */
export function dailyRankIcSeries(
  predicted: Float64Array,
  actual: Float64Array,
  groups: readonly number[][],
): number[] {
  return rankIcByDate(predicted, actual, groups).filter((value) => Number.isFinite(value));
}

/**
 * The one-standard-error rule for the ensemble: the blend's daily Rank IC (aligned by date
 * with the best component's; NaN where a date has none) must lead on average, by more than
 * one Newey–West standard error of the paired difference (h − 1 lags for h-session labels).
 */
export function blendIsBetter(
  blend: readonly number[],
  best: readonly number[],
  horizonDays: number,
): boolean {
  const edge = blend.map((value, i) => value - best[i]).filter((value) => Number.isFinite(value));
  return edge.length > 0 && mean(edge) > 0 && neweyWestT(edge, horizonDays - 1) > 1;
}

/** Each date's Spearman correlation (NaN for a date with too few rows), in `groups` order. */
export function rankIcByDate(
  predicted: Float64Array,
  actual: Float64Array,
  groups: readonly number[][],
): number[] {
  return groups.map((rows) =>
    rows.length < MIN_CROSS_SECTION
      ? NaN
      : spearman(
          rows.map((r) => predicted[r]),
          rows.map((r) => actual[r]),
        ),
  );
}

export function meanOfFinite(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value));
  return finite.length ? mean(finite) : -Infinity;
}

/** Mean daily Spearman correlation over dates with enough rows; null with none. */
export function dailyRankIc(
  predicted: Float64Array,
  actual: Float64Array,
  groups: readonly number[][],
): number | null {
  const daily = dailyRankIcSeries(predicted, actual, groups);
  return daily.length ? mean(daily) : null;
}
