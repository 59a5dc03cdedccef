import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { DataError } from '../errors.ts';
import { assertFeatureSetMatches } from '../features/index.ts';
import type { ModelVersion } from '../registry/registry.ts';
import { rankedFeatureNames } from './cross-section.ts';

/** What rebuilding a version's dataset needs from its manifest's params. */
const paramsSchema = z
  .object({
    feature_ranks: z.array(z.string()),
    walk_forward: z.object({ validation_share: z.number() }).passthrough(),
  })
  .passthrough();

export interface VersionDatasetSettings {
  /** The config with the version's label processor and feature ranks. */
  config: Config;
  horizonDays: number;
  validationShare: number;
}

/**
 * The settings that rebuild the dataset a model version was trained on: its
 * label processor, horizon and feature ranks (the rest of `train` plays no
 * part in the rows). Refuses a version from other feature code.
 */
export function datasetSettingsLike(config: Config, version: ModelVersion): VersionDatasetSettings {
  const { manifest } = version;
  const file = path.join(version.dir, 'manifest.json');
  if (manifest.schema !== 'mlx.model/2')
    throw new DataError(
      `${file}: ${manifest.schema} versions were made by an older mlx`,
      'retrain with mlx train',
    );
  assertFeatureSetMatches(manifest.feature_set.id, config.regime);
  const parsed = paramsSchema.safeParse(manifest.params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataError(`${file}: params.${issue.path.join('.')}: ${issue.message}`);
  }
  const ranks = parsed.data.feature_ranks;
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
    validationShare: parsed.data.walk_forward.validation_share,
  };
}
