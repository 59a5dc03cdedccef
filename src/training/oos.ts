/**
 * Every walk-forward out-of-sample row, as written to `oos.csv` in the model
 * folder (registry/oos-file.ts): anyone can recompute metrics.json from it. Model columns hold the
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
