/** Metrics of one boosting round per evaluated matrix, e.g. { train: { rmse: 0.51 }, valid: { rmse: 0.62 } }. */
export interface Evaluation {
  train?: Record<string, number>;
  valid?: Record<string, number>;
}

/**
 * Parse XGBoosterEvalOneIter's text, e.g. "[3]\ttrain-rmse:0.51\tvalid-rmse:0.62".
 * Metric names may contain '-' or '@' ("error@0.7"), so the set name ends at the
 * first '-' and the value starts after the last ':'.
 */
export function parseEvaluation(text: string): Evaluation {
  const evaluation: Evaluation = {};
  for (const field of text.trim().split('\t').slice(1)) {
    const dash = field.indexOf('-');
    const colon = field.lastIndexOf(':');
    if (dash < 0 || colon < dash) continue;
    const set = field.slice(0, dash);
    if (set !== 'train' && set !== 'valid') continue;
    const metrics = (evaluation[set] ??= {});
    metrics[field.slice(dash + 1, colon)] = Number(field.slice(colon + 1));
  }
  return evaluation;
}

/** Metrics where larger is better (as in XGBoost's own early-stopping callback). */
export function isMaximizedMetric(metric: string): boolean {
  return ['auc', 'aucpr', 'map', 'ndcg', 'pre'].some(
    (name) => metric === name || metric.startsWith(`${name}@`),
  );
}
