import path from 'node:path';
import type { Context } from '../context.ts';
import { UsageError } from '../errors.ts';
import type { Metrics } from '../evaluation/metrics.ts';
import { loadXGBoost } from '../models/xgboost/index.ts';
import { checkBoosterInputs, readBooster } from '../registry/booster-file.ts';
import type { ManifestV2 } from '../registry/manifest.ts';
import { writeMetrics } from '../registry/metrics-file.ts';
import { datasetSettingsLike } from '../registry/like-version.ts';
import { refitLike } from '../registry/refit-like.ts';
import { currentFormat, type ModelRegistry, type ModelVersionV2 } from '../registry/registry.ts';
import { writeImportance, writeImportedModels, writeManifest } from '../registry/version-files.ts';
import { rankInputName } from '../dataset/cross-section.ts';
import type { ScoredName } from '../training/judge.ts';
import { MLX_VERSION } from '../version.ts';
import { assertHomeExists } from '../home-access.ts';
import { Home } from '../home-files/home.ts';

export interface ImportOptions {
  /** A booster trained outside mlx (XGBoost's JSON model file). */
  xgbFile: string;
  /**
   * The version it replaces the booster of: VERSION (of the configured model), NAME/VERSION,
   * or NAME (its promoted version).
   */
  like: string;
  promote?: boolean;
}

export interface ImportResult {
  name: string;
  version: string;
  dir: string;
  like: { name: string; version: string };
  promoted: boolean;
  /** The only rows the version is judged on: the like version's validation window. */
  validation: { from: string; to: string; rows: number };
  metrics: Partial<Record<ScoredName, Metrics>>;
  note: string;
}

/**
 * `mlx models import --xgb FILE --like VERSION`: a new version that is VERSION
 * with FILE as its booster. Its scaler, LSTM and rules are VERSION's; the head
 * (calibration, ensemble weights, interval) is refitted on VERSION's validation
 * window exactly as `train` fits it, using the new booster's scores. Figures
 * are on that window only, and the version is marked imported.
 */
export async function importModel(ctx: Context, options: ImportOptions): Promise<ImportResult> {
  assertHomeExists(ctx);
  const registry = Home.of(ctx).models;
  const like = likeVersion(ctx, registry, options.like);
  const { manifest } = like;
  if (!manifest.models.includes('xgb'))
    throw new UsageError(`${like.name}/${like.version} has no XGBoost model to replace`);
  if (manifest.per_symbol)
    throw new UsageError(
      `${like.name}/${like.version} has one model per symbol: import works with a pooled model`,
    );
  const settings = datasetSettingsLike(ctx.config, like);
  const lib = loadXGBoost();
  const { booster, sha256 } = readBooster(lib, options.xgbFile);
  try {
    const inputNames = [
      ...manifest.feature_set.names,
      ...manifest.params.feature_ranks.map(rankInputName),
    ];
    checkBoosterInputs(booster, inputNames, manifest.feature_set.names, options.xgbFile, like);
    const home = Home.of(ctx);
    return await home.withWriteLock(ctx, 'models import', async () => {
      const refit = await refitLike(() => home.readExistingStore(), like, settings, booster, lib);
      const version = registry.newVersionId(ctx.now(), like.name);
      const window = refit.validation;
      const note =
        `imported booster: every figure is on ${like.name}/${like.version}'s validation window only ` +
        `(${window.from} → ${window.to}, ${window.rows} rows), the rows its head was refitted on: ` +
        'in-sample for the head, not a walk-forward out-of-sample evaluation';
      const promoted = options.promote === true;
      const newManifest: ManifestV2 = {
        ...manifest,
        version,
        mlx_version: MLX_VERSION,
        created_at: ctx.now().toISOString(),
        params: {
          ...manifest.params,
          head: refit.head,
          final_fit: { imported: true, rounds: booster.boostedRounds },
        },
        libraries: { ...manifest.libraries, mlx: MLX_VERSION, xgboost: lib.version },
        training_rows: refit.trainingRows,
        promotion: {
          decision: promoted ? 'promoted' : 'kept_champion',
          reason: promoted
            ? 'imported with --promote'
            : `imported: not promoted (mlx models promote ${like.name} ${version})`,
        },
        imported: {
          xgb_file: path.resolve(options.xgbFile),
          sha256,
          like: { name: like.name, version: like.version },
          evaluation: 'validation_window',
        },
      };
      const dir = await registry.create(like.name, version, async (temp) => {
        writeManifest(temp, newManifest);
        writeMetrics(temp, {
          schema: 'mlx.metrics/1',
          horizon_days: settings.horizonDays,
          label: settings.config.train.label,
          evaluation: 'validation_window',
          note,
          walk_forward: {},
          validation_window: { ...window, metrics: refit.metrics },
          folds: [],
          verdicts: [note],
        });
        writeImportance(temp, booster.importance('total_gain', inputNames));
        writeImportedModels(temp, like, booster.saveJson());
      });
      if (promoted) registry.promote(like.name, version);
      ctx.log.info(`${like.name}/${version}: ${note}`);
      return {
        name: like.name,
        version,
        dir,
        like: { name: like.name, version: like.version },
        promoted,
        validation: window,
        metrics: refit.metrics,
        note,
      };
    });
  } finally {
    booster.free();
  }
}

function likeVersion(ctx: Context, registry: ModelRegistry, like: string): ModelVersionV2 {
  // A bare name with a promoted version means that version: help examples and scripts
  // need not know a version id.
  if (/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(like) && !registry.has(ctx.config.modelName, like)) {
    const promoted = registry.currentVersion(like);
    if (promoted) return currentFormat(registry.get(like, promoted), '');
  }
  const [name, version] = like.includes('/') ? like.split('/') : [ctx.config.modelName, like];
  if (!name || !version)
    throw new UsageError(
      `--like expects VERSION, NAME/VERSION or NAME, got "${like.slice(0, 60)}"`,
    );
  return currentFormat(registry.get(name, version), '');
}
