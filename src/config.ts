import fs from 'node:fs';
import { z } from 'zod';
import { HORIZON_RANGE } from './horizon.ts';
import { ConfigError, fileSystemError } from './errors.ts';

/**
 * mlx.config.json. Every setting has a default, unknown keys are rejected
 * (a typo must not silently fall back to a default), and errors name the field.
 */
const regimeSchema = z
  .object({
    lookbackSessions: z.number().int().min(2).default(20),
    bullishReturn: z.number().default(0.05),
    bearishReturn: z.number().default(-0.05),
    volatileAnnualised: z.number().positive().default(0.35),
  })
  .strict();

const signalWeightsSchema = z
  .object({
    overbought: z.number().default(-0.3),
    oversold: z.number().default(0.3),
    macd_positive: z.number().default(0.2),
    golden_cross: z.number().default(0.4),
    death_cross: z.number().default(-0.4),
    regime_bullish: z.number().default(0.3),
    /** No longer used (ensemble weights are fitted on validation rows); accepted so old configs load. */
    xgb: z.number().optional(),
    lstm: z.number().optional(),
    rules: z.number().optional(),
  })
  .strict();

const xgbSchema = z
  .object({
    /**
     * XGBoost's objective. rank:pairwise learns to order each date's rows: the training rows
     * go in date order, one query group per date. (rank:ndcg and rank:map want relevance
     * grades of 0 or more; the centred labels are not.)
     */
    objective: z.string().default('reg:squarederror'),
    max_depth: z.number().int().min(1).max(16).default(4),
    eta: z.number().positive().max(1).default(0.1),
    /**
     * Every row and column: no tree draws its rows or columns. The trees still move with the
     * smallest change of the rows or the bins, as much as a seed moves a sampled booster's, so
     * the seed draws where the bins are placed (see binRows and the README's skill bench).
     */
    subsample: z.number().positive().max(1).default(1),
    colsample_bytree: z.number().positive().max(1).default(1),
    /**
     * Trees grown per round and averaged, a forest a round (each on its own draw of rows or
     * columns when subsample or a colsample is below 1). Unset: one, XGBoost's default. Above
     * one, XGBoost 1.7 predicts every training row again after each round (its cache is kept
     * for one tree a round only), which on the training matrix made here costs more than the
     * trees: 100 rounds on 187,000 rows took 15 s instead of 1.8 s. `bag` averages without it.
     */
    num_parallel_tree: z.number().int().min(1).max(32).optional(),
    colsample_bynode: z.number().positive().max(1).optional(),
    min_child_weight: z.number().min(0).default(200),
    lambda: z.number().min(0).default(5),
    max_bin: z.number().int().min(16).default(128),
    /**
     * The histogram bins are placed on at most this many training rows, evenly spaced from an
     * offset the seed draws (0: on every row). On every row of the 304 they cost about as much
     * as growing the trees; on the skill bench (30 folds, 1,890 days) 65,536 rows ranked as well
     * (XGBoost +0.0003, t 0.20).
     */
    binRows: z.number().int().min(0).default(65536),
    nthread: z.number().int().min(1).default(2),
    /**
     * Boosters averaged into the model, each with its own seed: its own bin placement and its
     * own draws of rows and columns. One booster's walk-forward Rank IC moves with its draw;
     * the mean of several moves less. A bag costs its size in XGBoost's time. Boosters that
     * nothing draws (bins on every row, every row and column) are one booster.
     */
    bag: z.number().int().min(1).max(16).default(1),
    rounds: z.number().int().min(1).default(400),
    /** Patience: rounds without a better validation Rank IC (or RMSE, with no cross-section). */
    earlyStoppingRounds: z.number().int().min(1).default(30),
  })
  .strict();

const lstmSchema = z
  .object({
    timesteps: z.number().int().min(2).max(120).default(20),
    units: z.number().int().min(1).max(512).default(32),
    denseUnits: z.number().int().min(1).max(512).default(16),
    epochs: z.number().int().min(1).default(8),
    batchSize: z.number().int().min(1).default(256),
    learningRate: z.number().positive().default(0.002),
    patience: z.number().int().min(1).default(2),
    /**
     * What early stopping chooses the epoch by: 'loss', the validation samples' mean squared
     * error; 'rankIc', their daily Rank IC (as XGBoost's rounds are chosen).
     */
    stopOn: z.enum(['loss', 'rankIc']).default('loss'),
    /** Most training sequences per fit (the most recent ones); the LSTM is the slow part. */
    maxSamples: z.number().int().min(100).default(12000),
    features: z
      .array(z.string())
      .min(1)
      .default([
        'ret_1',
        'ret_5',
        'ret_20',
        'rsi_14',
        'macd_hist',
        'bb_pctb_20',
        'atr_rel_14',
        'volume_ratio_20',
        'rv_20',
        'mkt_ret_1',
        'mkt_ret_5',
        'rel_strength_20',
      ]),
  })
  .strict();

const trainSchema = z
  .object({
    /** Walk-forward test folds and their length in sessions (63 ≈ three months). */
    folds: z.number().int().min(1).max(40).default(10),
    testSessions: z.number().int().min(5).default(63),
    validationShare: z.number().positive().max(0.5).default(0.15),
    /**
     * Sessions each fit's window spans, its validation slice included: the most recent ones
     * before the purge (0: every session from the first bar, an expanding window).
     */
    trainSessions: z.number().int().min(0).default(0),
    /**
     * How the head weighs the components: 'select' the best on validation unless a blend beats
     * it by a standard error; 'blend' all with skill, by out-of-sample evidence (README).
     */
    head: z.enum(['select', 'blend']).default('select'),
    /** With head 'blend': the share of the weight spread equally over the components with skill. */
    blendShrink: z.number().min(0).max(1).default(0.5),
    /** What the models learn from the forward return (see README, "How a prediction is made"). */
    label: z.enum(['cs_rank', 'cs_zscore', 'excess', 'raw']).default('cs_rank'),
    /** Give XGBoost each stock-specific feature's per-date rank across the universe as well. */
    featureRanks: z.boolean().default(true),
    xgb: xgbSchema.default({}),
    lstm: lstmSchema.default({}),
  })
  .strict();

/** The learning loop (README, "How the weights adapt"). */
const adaptationSchema = z
  .object({
    /** η: log-step of a component weight per independent relative outcome. */
    learningRate: z.number().positive().max(1).default(0.05),
    /** The most one verified prediction can move a per-stock weight (log units, ≈ 2%). */
    maxStep: z.number().positive().max(1).default(0.02),
    floor: z.number().positive().default(0.5),
    cap: z.number().positive().default(2),
    /** λ: pull of a stock's log weight toward the all-stock one per outcome. */
    shrink: z.number().min(0).max(1).default(0.05),
    /** Independent outcomes (Σ 1/h) before a stock's own weights are used. */
    minEvidence: z.number().min(0).default(20),
    /** γ: adaptive conformal step of each side of the interval per session. */
    intervalRate: z.number().min(0).default(0.3),
    intervalFloor: z.number().positive().default(0.5),
    intervalCap: z.number().positive().default(3),
    /**
     * κ: online step of the P(up) intercept per session. 0: every rate tried made
     * Brier worse (it chases the market's recent direction; README).
     */
    upCalibrationRate: z.number().min(0).default(0),
    /** κ: online step of the P(outperform) intercept per session. */
    outperformCalibrationRate: z.number().min(0).default(0.2),
    /** Largest intercept shift, in log odds. */
    calibrationBound: z.number().min(0).default(0.5),
    /** No longer used (the seed systems' hit-rate rule was replaced); accepted so old configs load. */
    magnitudeWindow: z.number().int().positive().optional(),
  })
  .strict();

export const configSchema = z
  .object({
    schema: z.literal('mlx.config/1').default('mlx.config/1'),
    /** Symbols to train and predict; empty means every symbol in the store. */
    universe: z.array(z.string().min(1)).default([]),
    horizonDays: z.number().int().min(HORIZON_RANGE.min).max(HORIZON_RANGE.max).default(5),
    source: z.enum(['yahoo', 'synthetic']).default('yahoo'),
    models: z.array(z.enum(['xgb', 'lstm'])).default(['xgb', 'lstm']),
    modelName: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/)
      .default('default'),
    seed: z.number().int().default(42),
    staleSessions: z.number().int().min(0).default(3),
    regime: regimeSchema.default({}),
    signalWeights: signalWeightsSchema.default({}),
    adaptation: adaptationSchema.default({}),
    train: trainSchema.default({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type RegimeThresholds = Config['regime'];
export type TrainSettings = Config['train'];

/** Pure: validate a parsed JSON value, naming `source` and the field on error. */
export function validateConfig(raw: unknown, source: string): Config {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new ConfigError(
      `${source}: ${field}: ${issue.message}`,
      'fix the setting or remove it to use the default (see README, "Configuration")',
    );
  }
  return parsed.data;
}

export function defaultConfig(): Config {
  return configSchema.parse({});
}

/** Read the config file; a missing file is fine unless it was named explicitly. */
export function readConfig(file: string, explicit: boolean): Config {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) return defaultConfig();
    const reason = fileSystemError(err, 'cannot read config', file);
    throw new ConfigError(reason.message, reason.hint);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  return validateConfig(raw, file);
}
