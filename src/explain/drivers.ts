import type { Prediction } from '../ledger/records.ts';

/** One feature's part in a symbol's recent explanations. */
export interface FeatureDriver {
  feature: string;
  /** Records (of those carrying `explain`) whose top 5 it was in. */
  count: number;
  /** Mean |contribution| over all of those records (0 where it was not in the top 5). */
  mean_abs_contribution: number;
  /** Mean signed contribution over the records it was in: which way it pushed. */
  mean_contribution: number;
}

export interface Drivers {
  /** Records looked at: the symbol's most recent that carry `explain`. */
  predictions: number;
  from: string | null;
  to: string | null;
  features: FeatureDriver[];
}

/**
 * Which features drove a symbol's recent predictions (pure): over its last
 * `recent` records carrying `explain`, each feature's mean |contribution| to
 * the XGBoost component (counting 0 where it was outside the top 5), largest first.
 */
export function featureDrivers(predictions: readonly Prediction[], recent = 20): Drivers {
  const explained = predictions
    .flatMap((p) => (p.schema === 'mlx.prediction/2' && p.explain ? [p] : []))
    .sort((a, b) => (a.as_of < b.as_of ? -1 : a.as_of > b.as_of ? 1 : 0))
    .slice(-recent);
  const sums = new Map<string, { count: number; abs: number; signed: number }>();
  for (const p of explained) {
    for (const c of p.explain ?? []) {
      const sum = sums.get(c.feature) ?? { count: 0, abs: 0, signed: 0 };
      sum.count++;
      sum.abs += Math.abs(c.contribution);
      sum.signed += c.contribution;
      sums.set(c.feature, sum);
    }
  }
  const features = [...sums]
    .map(([feature, s]) => ({
      feature,
      count: s.count,
      mean_abs_contribution: s.abs / explained.length,
      mean_contribution: s.signed / s.count,
    }))
    .sort((a, b) => b.mean_abs_contribution - a.mean_abs_contribution || b.count - a.count);
  return {
    predictions: explained.length,
    from: explained[0]?.as_of ?? null,
    to: explained.at(-1)?.as_of ?? null,
    features,
  };
}
