/**
 * Every walk-forward out-of-sample row, as written to `oos.csv` in the model
 * folder: anyone can recompute metrics.json from it. Model columns hold the
 * score that ranks the rows (the ensemble's is its scaled ensemble score);
 * `low`/`high` bound the interval and every return is a log return over the
 * horizon; `realised_log_return` is that of the adjusted close.
 */
export const OOS_COLUMNS = [
  'symbol',
  'as_of',
  'fold',
  'ensemble',
  'xgb',
  'lstm',
  'rules',
  'predicted_log_return',
  'expected_excess',
  'low',
  'high',
  'p_up',
  'p_outperform',
  'volatility',
  'interval_scale',
  'realised_log_return',
] as const;

export type OosRow = Record<(typeof OOS_COLUMNS)[number], string | number | null>;

/** CSV text: a header, one line per row, numbers at full precision, empty for a missing value. */
export function oosCsv(rows: readonly OosRow[]): string {
  const lines = [OOS_COLUMNS.join(',')];
  for (const row of rows) {
    lines.push(
      OOS_COLUMNS.map((column) => {
        const value = row[column];
        return value === null || (typeof value === 'number' && !Number.isFinite(value))
          ? ''
          : String(value);
      }).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
