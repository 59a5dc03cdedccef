import path from 'node:path';
import type { Config } from '../config.ts';
import { DataError } from '../errors.ts';
import { assertFeatureSetMatches } from '../features/index.ts';
import { rankedFeatureNames } from '../dataset/cross-section.ts';
import { MANIFEST_FILE } from './manifest.ts';
import { currentFormat, type ModelVersion } from './registry.ts';

export interface VersionDatasetSettings {
  /** The config with the version's label processor and feature ranks. */
  config: Config;
  horizonDays: number;
  validationShare: number;
  trainSessions: number;
}

/**
 * The settings that rebuild the dataset a model version was trained on: its
 * label processor, horizon and feature ranks (the rest of `train` plays no
 * part in the rows). Refuses a version from other feature code.
 */
export function datasetSettingsLike(config: Config, version: ModelVersion): VersionDatasetSettings {
  const { manifest } = currentFormat(version, '');
  const file = path.join(version.dir, MANIFEST_FILE);
  assertFeatureSetMatches(manifest.feature_set.id, config.regime);
  const ranks = manifest.params.feature_ranks;
  const expected = rankedFeatureNames(manifest.feature_set.names);
  if (ranks.length > 0 && ranks.join() !== expected.join())
    throw new DataError(`${file}: params.feature_ranks are not the ranked features of this mlx`);
  return {
    config: {
      ...config,
      train: {
        ...config.train,
        label: manifest.label.processor ?? config.train.label,
        featureRanks: ranks.length > 0,
      },
    },
    horizonDays: manifest.label.horizon_days,
    validationShare: manifest.params.walk_forward.validation_share,
    trainSessions: manifest.params.walk_forward.train_sessions ?? 0,
  };
}
