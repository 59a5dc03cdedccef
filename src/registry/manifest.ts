import { z } from 'zod';
import { COMPONENTS, type Head } from '../training/head.ts';

/**
 * The head (manifest params.head) as stored: what turns component scores into
 * a forecast (see training/head.ts). Keys in the order train writes them.
 */
export const headSchema: z.ZodType<Head> = z.object({
  components: z.array(z.enum(COMPONENTS)),
  /** Cross-sectional standard deviation of each component's raw score on validation rows. */
  scale: z.record(z.string(), z.number()),
  /** Ensemble weights on the scaled scores (non-negative, summing to 1). */
  weights: z.record(z.string(), z.number()),
  weighting: z.string(),
  validation_rank_ic: z.record(z.string(), z.number().nullable()),
  /** Log-return excess per unit of centred ensemble score. */
  excess_per_score: z.number(),
  /** Mean forward log return over the horizon across the universe, training rows. */
  drift: z.number(),
  /** P(up) = σ(intercept + drift_slope · drift / vol + excess_slope · excess / vol). */
  probability_up: z.object({
    intercept: z.number(),
    drift_slope: z.number(),
    excess_slope: z.number(),
  }),
  /** P(outperform) = σ(a · centred score + b): Platt calibration on validation rows. */
  probability_outperform: z.object({ a: z.number(), b: z.number() }),
  interval: z.object({
    level: z.number(),
    /** Quantiles of (realised − forecast) / interval scale. */
    low: z.number(),
    high: z.number(),
  }),
});

const count = z.number().int().nonnegative();

/** What a fit ran: XGBoost's rounds, the LSTM's epochs and samples. */
export const fitInfoSchema = z.object({
  xgb: z
    .object({
      rounds_run: count,
      best_iteration: z.number().int(),
      stopped_early: z.boolean(),
      /** A bag's boosters' best rounds (train.xgb.bag); best_iteration is then their mean. */
      members: z.array(z.number().int()).optional(),
    })
    .optional(),
  lstm: z
    .object({
      warm_start: z.boolean(),
      epochs_run: count,
      best_epoch: z.number().int(),
      samples: count,
      samples_per_second: z.number(),
      backend: z.string(),
    })
    .optional(),
});
export type FitInfo = z.infer<typeof fitInfoSchema>;

/** params of an `mlx.model/2` version: how it was trained, and what predict needs to use it. */
export const paramsSchema = z.object({
  /** XGBoost's parameters as configured (train.xgb), or null without XGBoost. */
  xgb: z.record(z.string(), z.unknown()).nullable(),
  /** The LSTM's settings (train.lstm), or null without the LSTM. */
  lstm: z.object({ timesteps: z.number().int().positive() }).passthrough().nullable(),
  walk_forward: z.object({
    folds: z.number().int(),
    test_sessions: z.number().int(),
    validation_share: z.number(),
    purge_sessions: z.number().int(),
    /** Sessions each fit's window spans (train.trainSessions); 0 or absent: every session. */
    train_sessions: z.number().int().min(0).optional(),
  }),
  head: headSchema,
  /** Features XGBoost also sees ranked across the universe per date. */
  feature_ranks: z.array(z.string()),
  /** Fitted units: '*' for the pooled model, else one per symbol (--per-symbol). */
  units: z.record(z.string(), z.object({ lstm_target_scale: z.number() })),
  /** The final fit: what it ran (pooled), how many units (per symbol), or an imported booster. */
  final_fit: z
    .union([
      z.object({ units: count }),
      z.object({ imported: z.literal(true), rounds: count }),
      fitInfoSchema,
    ])
    // Versions from before models show listed it have none.
    .optional(),
});
export type ModelParams = z.infer<typeof paramsSchema>;

const common = {
  name: z.string(),
  version: z.string(),
  mlx_version: z.string(),
  created_at: z.string(),
  data_range: z.object({ from: z.string(), until: z.string() }),
  symbols: z.array(z.string()),
  feature_set: z.object({ id: z.string(), hash: z.string(), names: z.array(z.string()) }),
  lstm_features: z.array(z.string()),
  label: z.object({
    kind: z.literal('forward_log_return'),
    horizon_days: z.number().int().positive(),
    /** The label processor the models learned (train.label); absent in /1 versions. */
    processor: z.enum(['cs_rank', 'cs_zscore', 'excess', 'raw']).optional(),
  }),
  models: z.array(z.enum(['xgb', 'lstm'])),
  per_symbol: z.boolean(),
};

/**
 * manifest.json `files`: the SHA-256 and size of every other file of the
 * version, by path relative to its folder ('/' separated), whatever files a
 * version holds (one booster or several, an LSTM or none). Absent in versions
 * written before checksums: those load "unchecked".
 */
export const fileChecksumsSchema = z.record(
  z.string(),
  z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().nonnegative() }),
);
export type FileChecksums = z.infer<typeof fileChecksumsSchema>;

const tail = {
  seed: z.number().int(),
  libraries: z.record(z.string(), z.string()),
  training_rows: z.number().int(),
  promotion: z
    .object({ decision: z.enum(['promoted', 'kept_champion']), reason: z.string() })
    .optional(),
  /** A version made by `mlx models import`: a booster trained elsewhere, like another version. */
  imported: z
    .object({
      xgb_file: z.string(),
      sha256: z.string(),
      like: z.object({ name: z.string(), version: z.string() }),
      evaluation: z.literal('validation_window'),
    })
    .optional(),
  files: fileChecksumsSchema.optional(),
};

/**
 * manifest.json of one model version: what it is, from what, made how.
 * `mlx.model/2` versions carry typed params with the head that turns
 * component scores into a forecast; `/1` versions (mlx ≤ 0.1) are still
 * listed, but predict asks for a retrain. Keys in the order train writes them.
 * Listing checks everything but params (versions older than some params are
 * still listed); a version is used only once its params check too
 * (registry.ts, currentFormat).
 */
export const manifestV2Schema = z.object({
  schema: z.literal('mlx.model/2'),
  ...common,
  params: paramsSchema,
  ...tail,
});
export const manifestV1Schema = z.object({
  schema: z.literal('mlx.model/1'),
  ...common,
  params: z.record(z.string(), z.unknown()),
  ...tail,
});
export const manifestSchema = z.discriminatedUnion('schema', [
  manifestV1Schema,
  manifestV2Schema.extend({ params: z.record(z.string(), z.unknown()) }),
]);

export const MANIFEST_FILE = 'manifest.json';

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestV2 = z.infer<typeof manifestV2Schema>;
