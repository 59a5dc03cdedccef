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

export interface BoosterTrainResult {
  /** Rounds actually boosted before stopping (the model keeps only `bestIteration + 1`). */
  roundsRun: number;
  /** 0-based round with the best validation score; the last round without early stopping. */
  bestIteration: number;
  /** The watched metric at `bestIteration`, or null when nothing was evaluated. */
  bestScore: number | null;
  /** Name of the watched metric, e.g. 'rmse' or 'logloss'. */
  metric: string | null;
  stoppedEarly: boolean;
  /** One evaluation per round evaluated (empty when nothing was evaluated). */
  history: Evaluation[];
}

/**
 * Tracks the best round by the watched set's last metric (as XGBoost's
 * Python early-stopping callback does) and says when `patience` rounds have
 * passed without improvement. Without a patience it never stops, and the
 * result describes the full model (its last round).
 */
export class BestRound {
  private readonly history: Evaluation[] = [];
  private bestIteration = -1;
  private bestScore: number | null = null;
  private metric: string | null = null;
  private stopped = false;

  constructor(
    private readonly watched: 'train' | 'valid',
    private readonly patience?: number,
    /** True for a custom score that is better when higher (XGBoost's own metrics are known by name). */
    private readonly maximize?: boolean,
  ) {}

  record(iteration: number, evaluation: Evaluation): 'continue' | 'stop' {
    this.history.push(evaluation);
    const scores = evaluation[this.watched];
    const metrics = scores ? Object.keys(scores) : [];
    if (!scores || metrics.length === 0) return 'continue';
    this.metric = metrics[metrics.length - 1];
    const score = scores[this.metric];
    const improved =
      this.bestScore === null ||
      (this.maximize || isMaximizedMetric(this.metric)
        ? score > this.bestScore
        : score < this.bestScore);
    if (improved) {
      this.bestScore = score;
      this.bestIteration = iteration;
    } else if (this.patience !== undefined && iteration - this.bestIteration >= this.patience) {
      this.stopped = true;
      return 'stop';
    }
    return 'continue';
  }

  result(roundsRun: number): BoosterTrainResult {
    const history = [...this.history];
    if (this.patience === undefined || this.bestIteration < 0) {
      const last = history[history.length - 1]?.[this.watched];
      const score = last && this.metric !== null ? last[this.metric] : null;
      return {
        roundsRun,
        bestIteration: roundsRun - 1,
        bestScore: score ?? null,
        metric: this.metric,
        stoppedEarly: false,
        history,
      };
    }
    return {
      roundsRun,
      bestIteration: this.bestIteration,
      bestScore: this.bestScore,
      metric: this.metric,
      stoppedEarly: this.stopped,
      history,
    };
  }
}
