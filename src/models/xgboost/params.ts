/**
 * Learning parameters under XGBoost's own names, so they can be looked up in
 * its documentation and are recorded in the manifest exactly as the library
 * saw them. Unset ones keep XGBoost's defaults, except `tree_method` ('hist')
 * and `seed` (0), which mlx always sets for speed and reproducibility.
 */
export interface XGBoostParams {
  /** e.g. 'reg:squarederror', 'reg:pseudohubererror', 'binary:logistic'. */
  objective: string;
  max_depth?: number;
  eta?: number;
  subsample?: number;
  colsample_bytree?: number;
  colsample_bynode?: number;
  num_parallel_tree?: number;
  min_child_weight?: number;
  lambda?: number;
  alpha?: number;
  gamma?: number;
  max_bin?: number;
  tree_method?: 'hist' | 'approx' | 'exact';
  /** Threads; XGBoost's default is every core. Results are reproducible for a fixed value. */
  nthread?: number;
  seed?: number;
  /** One metric or several; early stopping watches the last one, as XGBoost's Python API does. */
  eval_metric?: string | readonly string[];
  base_score?: number;
  /** 0 silent, 1 warnings (default), 2 info, 3 debug; XGBoost writes these to stderr. */
  verbosity?: 0 | 1 | 2 | 3;
}

/**
 * Name/value pairs for XGBoosterSetParam: mlx's defaults (hist, seed 0,
 * warnings only) under the caller's values, sorted so the native
 * configuration is identical run to run.
 */
export function paramEntries(params: XGBoostParams): [string, string | number][] {
  const merged: XGBoostParams = { tree_method: 'hist', seed: 0, verbosity: 1, ...params };
  const entries: [string, string | number][] = [];
  for (const key of Object.keys(merged).sort() as (keyof XGBoostParams)[]) {
    const value = merged[key];
    if (value === undefined) continue;
    if (key === 'eval_metric') {
      // Each eval_metric call appends one metric; order matters for early stopping.
      const metrics = typeof value === 'string' ? [value] : (value as readonly string[]);
      for (const metric of metrics) entries.push([key, metric]);
    } else {
      entries.push([key, value as string | number]);
    }
  }
  return entries;
}
