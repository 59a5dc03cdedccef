import type { Context } from '../context.ts';
import { DataError, UsageError } from '../errors.ts';
import { featureSetIdentity } from '../features/index.ts';
import { libraryVersions, resolveModels } from '../training/libraries.ts';
import type { XGBoostLib } from '../models/xgboost/index.ts';
import type { ManifestV2 } from '../registry/manifest.ts';
import { readMetrics } from '../registry/metrics-file.ts';
import { ModelRegistry } from '../registry/registry.ts';
import { writeTrainedVersion } from '../registry/version-files.ts';
import type { TrainSettings } from '../config.ts';
import {
  fitEnsemble,
  headFitRows,
  perSymbolUnits,
  POOLED,
  type FitUnit,
  type FittedEnsemble,
} from '../training/ensemble.ts';
import { MIN_CROSS_SECTION } from '../evaluation/stats.ts';
import { fitHead } from '../training/head.ts';
import type { FittedModels, ModelKind, TrainEvent } from '../training/fit.ts';
import { buildDataset, loadPanel, type Dataset, type Panel } from '../training/panel.ts';
import type { LstmModel } from '../models/lstm/index.ts';
import { fitScaler, type Scaler } from '../training/scaler.ts';
import { decidePromotion, metricsVerdicts } from '../training/verdicts.ts';
import {
  finalFitRows,
  startWalkForward,
  type FoldReport,
  type WalkForwardResult,
} from '../training/walk-forward.ts';
import { MLX_VERSION } from '../version.ts';
import { defaultJobs } from '../training/fold-pool.ts';
import { releaseMemory } from '../memory.ts';
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
  /** Threads fitting at once (walk-forward folds and the final fit); default: one per core. */
  jobs?: number;
  onEvent?: (event: TrainEvent) => void;
  /** A walk-forward fold was fitted (folds finish in any order when fitted side by side). */
  onFoldFitted?: (test: { from: string; to: string }, done: number, of: number) => void;
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
  const { models, xgbLib } = resolveModels(options.models, ctx.config.models, warn);
  const jobs = options.jobs ?? defaultJobs();
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new UsageError(`--jobs must be a whole number ≥ 1`);
  const plan: TrainPlan = {
    horizonDays,
    seed,
    models,
    xgbLib,
    settings: ctx.config.train,
    warn,
    jobs,
  };

  return withWriteLock(ctx, 'train', async () => {
    const data = trainingData(ctx, options, plan);
    // The panel the dataset was built from goes before the fits start (see releaseMemory).
    if (!options.panel) await releaseMemory();
    const units = options.perSymbol ? perSymbolUnits(data) : POOLED;
    // Worker threads start on the walk-forward folds while this thread fits the final model.
    const evaluation = evaluate(ctx, options, plan, data);
    let final: FinalFit;
    try {
      final = await finalFit(ctx, options, plan, data, units);
    } catch (err) {
      await evaluation.stop();
      throw err;
    }
    let walk: WalkForwardResult;
    try {
      walk = await evaluation.finish();
    } catch (err) {
      final.fitted.free();
      throw err;
    }
    // A blending head weighs the components by how they ranked every fold's test rows.
    if (plan.settings.head === 'blend') {
      final.fitted.head = fitHead(headFitRows(data, final.fitted.validation), final.fitted.base, {
        weighting: 'blend',
        evidence: walk.evidence,
      });
    }
    try {
      const saved = await saveVersion(ctx, options, plan, { name, data, walk, final });
      return {
        name,
        version: saved.version,
        dir: saved.dir,
        promoted: saved.promotion.promote,
        promotion_reason: saved.promotion.reason,
        symbols: data.symbols.length,
        data_range: saved.manifest.data_range,
        training_rows: final.trainRows,
        models,
        walk_forward: walk,
        verdicts: saved.verdicts,
        warnings,
        seconds: Math.round((Date.now() - started) / 100) / 10,
      };
    } finally {
      final.fitted.free();
    }
  });
}

/** What every phase of a training run shares. */
interface TrainPlan {
  horizonDays: number;
  seed: number;
  models: ModelKind[];
  xgbLib: XGBoostLib | null;
  settings: TrainSettings;
  warn: (message: string) => void;
  /** Threads fitting at once (see FoldRun). */
  jobs: number;
}

/** The dataset: the panel (loaded, or the replay's), its features and labels up to --until. */
function trainingData(ctx: Context, options: TrainOptions, plan: TrainPlan): Dataset {
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
  const data = buildDataset(panel, plan.horizonDays, ctx.config, options.until);
  for (const component of ['xgb', 'lstm', 'rules'] as const) {
    if (ctx.config.signalWeights[component] !== undefined)
      plan.warn(
        `signalWeights.${component} is no longer used: ensemble weights are fitted on validation rows (see README, "How a prediction is made")`,
      );
  }
  if (data.labelKind !== 'raw' && data.symbols.length < MIN_CROSS_SECTION)
    plan.warn(
      `${data.symbols.length} symbol(s): a cross-sectional label needs at least ${MIN_CROSS_SECTION} to rank; predictions will carry little more than the drift`,
    );
  ctx.log.info(
    `${data.rows.toLocaleString('en')} feature rows, ${data.symbols.length} symbols, ${data.dates[0]} → ${data.dates.at(-1)}; ` +
      `models: ${plan.models.join(', ') || 'rules only'}; horizon ${plan.horizonDays} sessions`,
  );
  return data;
}

/** The walk-forward evaluation, started (skipped for a replay's retrains, which the replay scores). */
function evaluate(
  ctx: Context,
  options: TrainOptions,
  plan: TrainPlan,
  data: Dataset,
): { finish(): Promise<WalkForwardResult>; stop(): Promise<void> } {
  if (options.walkForward === false)
    return {
      finish: async () => ({ folds: [], metrics: {}, oos: [], evidence: {} }),
      stop: async () => {},
    };
  ctx.log.info(
    `walk-forward: ${plan.settings.folds} folds and the final fit on ${plan.jobs} thread${plan.jobs === 1 ? '' : 's'}`,
  );
  return startWalkForward({
    data,
    horizonDays: plan.horizonDays,
    settings: plan.settings,
    models: plan.models,
    seed: plan.seed,
    xgbLib: plan.xgbLib,
    jobs: plan.jobs,
    perSymbol: options.perSymbol ?? false,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.onFoldFitted ? { onFoldFitted: options.onFoldFitted } : {}),
    onFold: (fold, of) => {
      ctx.log.debug(
        `fold ${fold.index + 1}/${of}: test ${fold.test.from} → ${fold.test.to}, ${fold.test.rows} rows`,
      );
      options.onFold?.(fold, of);
    },
  });
}

interface FinalFit {
  fitted: FittedEnsemble;
  scaler: Scaler;
  trainRows: number;
}

/** The final model: every labelled row up to --until, validation carved from the most recent. */
async function finalFit(
  ctx: Context,
  options: TrainOptions,
  plan: TrainPlan,
  data: Dataset,
  units: readonly FitUnit[],
): Promise<FinalFit> {
  const { settings, models } = plan;
  const { window, trainRows, validRows } = finalFitRows(data, models, settings, plan.horizonDays);
  const scaler = fitScaler(data, (r) => data.dateIndex[r] <= window.trainEnd);

  ctx.log.info(
    `final fit on ${trainRows.length.toLocaleString('en')} rows (validation ${validRows.length.toLocaleString('en')})`,
  );
  // One fit for the pooled model, or one per symbol with enough rows (--per-symbol).
  const fitted = await fitEnsemble({
    data,
    scaler,
    trainRows,
    validRows,
    units,
    models,
    settings,
    seed: plan.seed,
    xgbLib: plan.xgbLib,
    lstmWarmStart: options.lstmWarmStart,
    // Beside the walk-forward's threads, XGBoost takes one core like each of them.
    ...(plan.jobs > 1 && options.walkForward !== false ? { xgbThreads: 1 } : {}),
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
  return { fitted, scaler, trainRows: trainRows.length };
}

/** The new version: verdicts, the promotion decision, the manifest, the files; promoted if so decided. */
async function saveVersion(
  ctx: Context,
  options: TrainOptions,
  plan: TrainPlan,
  run: { name: string; data: Dataset; walk: WalkForwardResult; final: FinalFit },
) {
  const { name, data, walk, final } = run;
  const { settings, models, horizonDays } = plan;
  const { fitted } = final;
  const first = fitted.units.values().next().value as FittedModels;
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
    champion ? { version: champion, metrics: readMetrics(registry.get(name, champion).dir) } : null,
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
    seed: plan.seed,
    libraries: await libraryVersions(plan.xgbLib, first.info.lstm?.backend),
    training_rows: final.trainRows,
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
      scaler: final.scaler,
      data,
      horizonDays,
      verdicts,
    }),
  );
  if (promotion.promote) registry.promote(name, version);
  ctx.log.info(`${promotion.promote ? 'promoted' : 'not promoted'}: ${promotion.reason}`);
  return { version, dir, manifest, promotion, verdicts };
}
