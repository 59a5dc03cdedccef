import { check, copyFloats, copyStrings } from './library.ts';
import type { NativeHandle, XGBoostLib } from './library.ts';

export type ImportanceType = 'weight' | 'gain' | 'cover' | 'total_gain' | 'total_cover';

/**
 * XGBoost's feature scores (XGBoosterFeatureScore) in its order: only the
 * features the trees split on, named by `featureNames` if given.
 */
export function featureScores(
  lib: XGBoostLib,
  handle: NativeHandle,
  type: ImportanceType,
  featureNames?: readonly string[],
): [string, number][] {
  const config: Record<string, unknown> = { importance_type: type };
  if (featureNames) config.feature_names = featureNames;
  const count: [number | null] = [null];
  const features: [unknown] = [null];
  const dims: [number | null] = [null];
  const shape: [unknown] = [null];
  const scores: [unknown] = [null];
  check(
    lib,
    lib.api.XGBoosterFeatureScore(
      handle,
      JSON.stringify(config),
      count,
      features,
      dims,
      shape,
      scores,
    ),
    'XGBoosterFeatureScore',
  );
  const scored = copyStrings(features[0], Number(count[0] ?? 0));
  const values = copyFloats(scores[0], scored.length);
  return scored.map((name, i) => [name, values[i]]);
}
