import type { Context } from '../context.ts';
import { DataError, MissingDependencyError, UsageError } from '../errors.ts';
import { featureSetIdentity, REFERENCE_LIBRARY } from '../features/index.ts';
import { loadXGBoost, xgboostStatus, type XGBoostLib } from '../models/xgboost/index.ts';
import type { ManifestV2 } from '../registry/manifest.ts';
import { readMetrics } from '../registry/metrics-file.ts';
import { ModelRegistry } from '../registry/registry.ts';
import { writeTrainedVersion } from '../registry/version-files.ts';
import { fitEnsemble, perSymbolUnits, POOLED } from '../training/ensemble.ts';
import { MIN_CROSS_SECTION } from '../training/head.ts';
import {
  scaledInputs,
  type FittedModels,
  type ModelKind,
  type TrainEvent,
} from '../training/fit.ts';
import { trainingWindow } from '../training/folds.ts';
import { buildDataset, loadPanel, type Panel } from '../training/panel.ts';
import type { LstmModel } from '../models/lstm/index.ts';
import { fitScaler } from '../training/scaler.ts';
import { decidePromotion, metricsVerdicts } from '../training/verdicts.ts';
import {
  labelledDates,
  rowsBetween,
  usableRows,
  walkForward,
  type FoldReport,
  type WalkForwardResult,
} from '../training/walk-forward.ts';
import { MLX_VERSION } from '../version.ts';
import { openExistingStore, withWriteLock } from '../session.ts';
import { resolveUniverse } from '../universe.ts';

export interface TrainOptions {
  symbols?: string[];
  universeFile?: string;
  until?: string;
  horizonDays?: number;
  /** Models asked for explicitly (--models); a missing library is then an error, not a warning. */
  models?: ModelKind[];
  name?: string;
  seed?: number;
  promote: 'auto' | 'always' | 'never';
  /** One model per symbol instead of one pooled model. */
  perSymbol?: boolean;
  /** False skips the walk-forward evaluation (backtest retrains, which are scored by the replay). */
  walkForward?: boolean;
  /**
   * Features already computed (a replay computes them once, up to its last
   * session): only rows up to `until`, and labels whose horizon ends by then, are used.
   */
  panel?: Panel;
  /** Start the LSTM from this model's weights (a replay's previous monthly fit). */
  lstmWarmStart?: LstmModel;
  onEvent?: (event: TrainEvent) => void;
  onFold?: (fold: FoldReport, of: number) => void;
}

export interface TrainResult {
  name: string;
  version: string;
  dir: string;
  promoted: boolean;
  promotion_reason: string;
  symbols: number;
  data_range: { from: string; until: string };
  training_rows: number;
  models: ModelKind[];
  walk_forward: WalkForwardResult;
  verdicts: string[];
  warnings: string[];
  seconds: number;
}

/** `mlx train`: features and labels, walk-forward evaluation, a final fit, a new model version. */
export async function train(ctx: Context, options: TrainOptions): Promise<TrainResult> {
  const started = Date.now();
  const horizonDays = options.horizonDays ?? ctx.config.horizonDays;
  const name = options.name ?? ctx.config.modelName;
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new UsageError(`invalid model name "${name}"`);
  const seed = options.seed ?? ctx.config.seed;
  const warnings: string[] = [];
  const warn = (message: string) => {
    ctx.log.warn(message);
    warnings.push(message);
  };
  const { models, xgbLib } = resolveModels(ctx, options.models, warnings);

  return withWriteLock(ctx, 'train', async () => {
    let panel = options.panel;
    if (!panel) {
      const store = openExistingStore(ctx);
      try {
        const symbols = resolveUniverse(ctx, store, options);
        ctx.log.info(
          `loading ${symbols.length} symbols${options.until ? ` up to ${options.until}` : ''}…`,
        );
        panel = loadPanel(store, symbols, options.until, ctx.config);
      } finally {
        store.close();
      }
    }
    const data = buildDataset(panel, horizonDays, ctx.config, options.until);
    const settings = ctx.config.train;
    for (const component of ['xgb', 'lstm', 'rules'] as const) {
      if (ctx.config.signalWeights[component] !== undefined)
        warn(
          `signalWeights.${component} is no longer used: ensemble weights are fitted on validation rows (see README, "How a prediction is made")`,
        );
    }
    if (data.labelKind !== 'raw' && data.symbols.length < MIN_CROSS_SECTION)
      warn(
        `${data.symbols.length} symbol(s): a cross-sectional label needs at least ${MIN_CROSS_SECTION} to rank; predictions will carry little more than the drift`,
      );
    ctx.log.info(
      `${data.rows.toLocaleString('en')} feature rows, ${data.symbols.length} symbols, ${data.dates[0]} → ${data.dates.at(-1)}; ` +
        `models: ${models.join(', ') || 'rules only'}; horizon ${horizonDays} sessions`,
    );

    const units = options.perSymbol ? perSymbolUnits(data) : POOLED;
    const walk: WalkForwardResult =
      options.walkForward === false
        ? { folds: [], metrics: {}, oos: [] }
        : await walkForward({
            data,
            horizonDays,
            settings,
            models,
            seed,
            xgbLib,
            units,
            onEvent: options.onEvent,
            onFold: (fold, of) => {
              ctx.log.debug(
                `fold ${fold.index + 1}/${of}: test ${fold.test.from} → ${fold.test.to}, ${fold.test.rows} rows`,
              );
              options.onFold?.(fold, of);
            },
          });

    // The final model: every labelled row up to --until, validation carved from the most recent.
    const usable = usableRows(data, models, settings.lstm.timesteps);
    const window = trainingWindow(labelledDates(data) - 1, horizonDays, settings.validationShare);
    const trainRows = rowsBetween(data, 0, window.trainEnd, usable);
    const validRows = rowsBetween(data, window.validStart, window.validEnd, usable);
    const scaler = fitScaler(data, (r) => data.dateIndex[r] <= window.trainEnd);

    ctx.log.info(
      `final fit on ${trainRows.length.toLocaleString('en')} rows (validation ${validRows.length.toLocaleString('en')})`,
    );
    // One fit for the pooled model, or one per symbol with enough rows (--per-symbol).
    const fitted = await fitEnsemble({
      data,
      ...scaledInputs(scaler, data, models),
      trainRows,
      validRows,
      units,
      models,
      settings,
      seed,
      xgbLib,
      lstmWarmStart: options.lstmWarmStart,
      onEvent: options.onEvent,
      onSkippedUnit: (key) =>
        ctx.log.warn(`${key}: too little history for its own model; it will not be predicted`),
    });
    if (!fitted) {
      throw new DataError(
        `not enough history to train: ${trainRows.length} training rows before ${data.dates[window.validStart] ?? data.dates.at(-1)}`,
        'import a longer history (features need a year of bars before the first usable row)',
      );
    }
    const first = fitted.units.values().next().value as FittedModels;

    try {
      const registry = new ModelRegistry(ctx.home.modelsDir);
      const now = ctx.now();
      const version = registry.newVersionId(now, name);
      const featureSet = featureSetIdentity(ctx.config.regime);
      const verdicts =
        options.walkForward === false
          ? ['walk-forward evaluation skipped for this version']
          : metricsVerdicts(walk);
      const champion = registry.currentVersion(name);
      const promotion = decidePromotion(
        options.promote,
        walk,
        champion
          ? { version: champion, metrics: readMetrics(registry.get(name, champion).dir) }
          : null,
      );
      const manifest: ManifestV2 = {
        schema: 'mlx.model/2',
        name,
        version,
        mlx_version: MLX_VERSION,
        created_at: now.toISOString(),
        data_range: { from: data.dates[0], until: data.dates.at(-1) as string },
        symbols: data.symbols,
        feature_set: { id: featureSet.id, hash: featureSet.hash, names: [...featureSet.names] },
        lstm_features: models.includes('lstm') ? [...settings.lstm.features] : [],
        label: { kind: 'forward_log_return', horizon_days: horizonDays, processor: data.labelKind },
        models,
        per_symbol: options.perSymbol === true,
        params: {
          xgb: models.includes('xgb') ? settings.xgb : null,
          lstm: models.includes('lstm') ? settings.lstm : null,
          walk_forward: {
            folds: settings.folds,
            test_sessions: settings.testSessions,
            validation_share: settings.validationShare,
            purge_sessions: horizonDays,
          },
          head: fitted.head,
          // XGBoost also sees these features' per-date ranks across the universe.
          feature_ranks: [...data.rankedNames],
          units: Object.fromEntries(
            [...fitted.units].map(([unit, f]) => [unit, { lstm_target_scale: f.lstmTargetScale }]),
          ),
          final_fit: options.perSymbol ? { units: fitted.units.size } : first.info,
        },
        seed,
        libraries: await libraryVersions(xgbLib, first.info.lstm?.backend),
        training_rows: trainRows.length,
        promotion: {
          decision: promotion.promote ? 'promoted' : 'kept_champion',
          reason: promotion.reason,
        },
      };
      const dir = await registry.create(name, version, (temp) =>
        writeTrainedVersion(temp, {
          manifest,
          walk,
          fitted: fitted.units,
          scaler,
          data,
          horizonDays,
          verdicts,
        }),
      );
      if (promotion.promote) registry.promote(name, version);
      ctx.log.info(`${promotion.promote ? 'promoted' : 'not promoted'}: ${promotion.reason}`);
      return {
        name,
        version,
        dir,
        promoted: promotion.promote,
        promotion_reason: promotion.reason,
        symbols: data.symbols.length,
        data_range: manifest.data_range,
        training_rows: trainRows.length,
        models,
        walk_forward: walk,
        verdicts,
        warnings,
        seconds: Math.round((Date.now() - started) / 100) / 10,
      };
    } finally {
      fitted.free();
    }
  });
}

/**
 * Which models train. XGBoost asked for explicitly but missing is a usage
 * error naming the install command; missing by default is one warning.
 */
function resolveModels(
  ctx: Context,
  asked: ModelKind[] | undefined,
  warnings: string[],
): { models: ModelKind[]; xgbLib: XGBoostLib | null } {
  const models = [...new Set(asked ?? ctx.config.models)];
  if (!models.includes('xgb')) return { models, xgbLib: null };
  const status = xgboostStatus();
  if (status.available) return { models, xgbLib: loadXGBoost() };
  if (asked?.includes('xgb')) {
    loadXGBoost(); // throws MissingDependencyError with the install command
    throw new MissingDependencyError('libxgboost is not available');
  }
  const warning = `XGBoost skipped: ${status.reason} Training the LSTM and rules only.`;
  ctx.log.warn(warning);
  warnings.push(warning);
  return { models: models.filter((m) => m !== 'xgb'), xgbLib: null };
}

async function libraryVersions(
  xgbLib: XGBoostLib | null,
  tfBackend: string | undefined,
): Promise<Record<string, string>> {
  const versions: Record<string, string> = {
    node: process.versions.node,
    mlx: MLX_VERSION,
    features_reference: REFERENCE_LIBRARY,
  };
  if (xgbLib) versions.xgboost = xgbLib.version;
  if (tfBackend) {
    const { version } = await import('@tensorflow/tfjs');
    versions.tfjs = version.tfjs;
    versions.tfjs_backend = tfBackend;
  }
  return versions;
}
