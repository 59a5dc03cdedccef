import crypto from 'node:crypto';
import fs from 'node:fs';
import { DataError, errorMessage, fileSystemError, MlxError, UsageError } from '../errors.ts';
import { scaledColumnName } from '../export/features.ts';
import { Booster, type XGBoostLib } from '../models/xgboost/index.ts';
import type { ModelVersion } from './registry.ts';

/** A booster file given by the user (XGBoost's JSON model), and its SHA-256; exit 2 if it is not one. */
export function readBooster(lib: XGBoostLib, file: string): { booster: Booster; sha256: string } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw fileSystemError(err, 'cannot read', file);
  }
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  try {
    return { booster: Booster.loadJson(lib, bytes.toString('utf8')), sha256 };
  } catch (err) {
    if (err instanceof MlxError && !(err instanceof DataError)) throw err;
    // Without XGBoost's "[12:00:00] ./include/xgboost/json.h:81: " prefixes.
    const reason = errorMessage(err)
      .split('\n')[0]
      .replace(/\[\d{2}:\d{2}:\d{2}\] [^\s:]+:\d+: /g, '')
      .slice(0, 200);
    throw new UsageError(
      `${file}: not an XGBoost model (${reason})`,
      'save it with booster.save_model("xgb.json")',
    );
  }
}

/**
 * The booster must take the like version's inputs: the features (standardised),
 * then their per-date ranks. Names are checked when the booster has them: mlx's
 * own, or the columns of features.parquet (`<feature>_scaled`, `<feature>_cs_rank`).
 */
export function checkBoosterInputs(
  booster: Booster,
  inputNames: readonly string[],
  featureNames: readonly string[],
  file: string,
  like: ModelVersion,
): void {
  const expected = `${like.name}/${like.version} takes ${inputNames.length}: its ${featureNames.length} features, then ${inputNames.length - featureNames.length} per-date ranks (<feature>_cs_rank)`;
  const count = booster.featureCount;
  if (count !== inputNames.length)
    throw new UsageError(
      `${file} has ${count} input features; ${expected}`,
      'train on the xgb_inputs columns of mlx export features (listed in the Parquet metadata), in that order',
    );
  const names = booster.storedFeatureNames();
  if (!names) return;
  const exported = inputNames.map((name, i) =>
    i < featureNames.length ? scaledColumnName(name) : name,
  );
  const at = names.findIndex((name, i) => name !== inputNames[i] && name !== exported[i]);
  if (at >= 0)
    throw new UsageError(
      `${file}: input ${at + 1} is "${names[at].slice(0, 60)}" where ${like.name}/${like.version} has "${inputNames[at]}"; ${expected}`,
      'train on the xgb_inputs columns of mlx export features, in that order',
    );
}
