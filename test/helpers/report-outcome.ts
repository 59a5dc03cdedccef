import type { Outcome } from '../../src/report/accuracy.ts';

/** A verified mlx.prediction/2 for the report's tests: what the report reads and nothing more. */
export function reportOutcome(
  symbol: string,
  asOf: string,
  score: number,
  changePct: number,
  extra: {
    /** The target date the verification reached (default: as_of). */
    exit?: string;
    horizon?: number;
    within?: boolean;
    verification?: object;
    /** P(up) (default 0.6): the direction is up from 0.5. */
    p?: number;
    version?: string;
  } = {},
): Outcome {
  const p = extra.p ?? 0.6;
  return {
    prediction: {
      schema: 'mlx.prediction/2',
      id: `${symbol}-${asOf}`,
      symbol,
      as_of: asOf,
      target_date: extra.exit ?? asOf,
      horizon_days: extra.horizon ?? 1,
      ensemble_score: score,
      predicted_change_pct: score,
      probability_up: p,
      direction: p >= 0.5 ? 'up' : 'down',
      components: { xgb: score, rules: 0 },
      interval: { level: 0.8, low: 1, high: 2 },
      model: { name: 'default', version: extra.version ?? 'v1', feature_set: 'fs' },
    },
    verification: {
      actual_change_pct: changePct,
      direction_hit: changePct > 0 === p >= 0.5,
      within_interval: extra.within,
      actual_date: extra.exit ?? asOf,
      ...extra.verification,
    },
  } as unknown as Outcome;
}
