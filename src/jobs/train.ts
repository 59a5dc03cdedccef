import { withDefaults, type Context } from '../context.ts';
import { DataError, UsageError } from '../errors.ts';
import { resolveModels } from '../training/libraries.ts';
import {
  fitEnsemble,
  headFitRows,
  perSymbolUnits,
  POOLED,
  type FitUnit,
} from '../training/ensemble.ts';
import { MIN_CROSS_SECTION } from '../evaluation/stats.ts';
import { fitHead } from '../training/head.ts';
import { buildDataset, loadPanel, type Dataset } from '../dataset/panel.ts';
import { datasetUntil } from '../dataset/dataset-until.ts';
import { fitScaler } from '../dataset/scaler.ts';
import { inWindow } from '../training/folds.ts';
import {
  finalFitRows,
  startWalkForward,
  type WalkForwardResult,
} from '../training/walk-forward.ts';
import { defaultJobs } from '../training/fold-pool.ts';
import { Home } from '../home-files/home.ts';
import { releaseMemory } from '../memory.ts';
import { resolveUniverse } from '../universe.ts';
import { saveVersion } from './save-version.ts';
import type { FinalFit, TrainOptions, TrainPlan, TrainResult } from './train-plan.ts';

export type { TrainOptions, TrainResult } from './train-plan.ts';

/** `mlx train`: features and labels, walk-forward evaluation, a final fit, a new model version. */
export async function train(ctx: Context, options: TrainOptions): Promise<TrainResult> {
  const started = Date.now();
  const {
    horizonDays,
    modelName: name,
    seed,
  } = withDefaults(ctx.config, { ...options, modelName: options.name });
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new UsageError(`invalid model name "${name}"`);
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

  return Home.of(ctx).withWriteLock(ctx, 'train', async () => {
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
        blendShrink: plan.settings.blendShrink,
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

/** The dataset: the panel (loaded, or the replay's), its features and labels up to --until. */
function trainingData(ctx: Context, options: TrainOptions, plan: TrainPlan): Dataset {
  let panel = options.panel;
  if (!panel) {
    const store = Home.of(ctx).readExistingStore();
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
  const data =
    options.panelDataset?.horizonDays === plan.horizonDays && options.until
      ? datasetUntil(options.panelDataset, panel, options.until, options.cutMemory)
      : buildDataset(panel, plan.horizonDays, ctx.config, options.until);
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
  const scaler = fitScaler(data, (r) => inWindow(data.dateIndex[r], window));
  // With no walk-forward beside it (a replay's retrains), the pooled model's XGBoost fits on a
  // thread of its own while this one fits the LSTM.
  const beside =
    plan.jobs > 1 &&
    options.walkForward === false &&
    units.length === 1 &&
    models.includes('xgb') &&
    models.includes('lstm');

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
    // Beside the walk-forward's threads, XGBoost takes one core like each of them, as it does
    // on a thread of its own beside the LSTM.
    ...(plan.jobs > 1 && (options.walkForward !== false || beside) ? { xgbThreads: 1 } : {}),
    ...(beside ? { xgbBeside: true } : {}),
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
