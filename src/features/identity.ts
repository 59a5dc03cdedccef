import { createHash } from 'node:crypto';
import type { RegimeThresholds } from '../config.ts';
import { defaultConfig } from '../config.ts';
import { DataError } from '../errors.ts';
import { FEATURE_NAMES } from './feature-set.ts';
import { FEATURE_PARAMETERS } from './parameters.ts';

export const FEATURE_SET_VERSION = 'fs1';

/**
 * Version of the kernel code. Bump it when a change alters any value without
 * changing a name or parameter (a fixed edge case, a new neutral value), so
 * models trained on the old numbers are refused.
 */
export const FEATURE_CODE_VERSION = 1;

/** The library release the kernels are cross-checked against (test/unit/indicators.test.ts). */
export const REFERENCE_LIBRARY = 'technicalindicators@3.1.0';

export interface FeatureSetIdentity {
  /** Short id stored in every prediction, e.g. 'fs1-3f9a0c12'. */
  id: string;
  /** sha256 (hex) over the version, names, parameters, regime thresholds and code versions. */
  hash: string;
  names: readonly string[];
}

/**
 * The identity of the features this code computes. Regime thresholds come
 * from config and change the regime columns, so they are part of it; the
 * default is config's default.
 */
export function featureSetIdentity(
  regime: RegimeThresholds = defaultConfig().regime,
): FeatureSetIdentity {
  const canonical = JSON.stringify({
    version: FEATURE_SET_VERSION,
    code: FEATURE_CODE_VERSION,
    reference: REFERENCE_LIBRARY,
    names: FEATURE_NAMES,
    parameters: FEATURE_PARAMETERS,
    regime: {
      lookbackSessions: regime.lookbackSessions,
      bullishReturn: regime.bullishReturn,
      bearishReturn: regime.bearishReturn,
      volatileAnnualised: regime.volatileAnnualised,
    },
  });
  const hash = createHash('sha256').update(canonical).digest('hex');
  return { id: `${FEATURE_SET_VERSION}-${hash.slice(0, 8)}`, hash, names: FEATURE_NAMES };
}

/**
 * Refuse a model whose feature set (its manifest's id or full hash) is not the
 * one this code computes: its inputs would silently mean something else.
 */
export function assertFeatureSetMatches(
  modelFeatureSet: string,
  regime: RegimeThresholds = defaultConfig().regime,
): void {
  const current = featureSetIdentity(regime);
  if (modelFeatureSet === current.id || modelFeatureSet === current.hash) return;
  throw new DataError(
    `the model was trained on feature set ${modelFeatureSet}, but this mlx computes ${current.id} ` +
      '(the feature code, its parameters or the regime thresholds in the config differ)',
    'retrain with mlx train, or restore the mlx version and config the model was trained with',
  );
}
