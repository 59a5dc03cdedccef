import { z } from 'zod';
import { documented, jsonSchema } from './json-schema.ts';

/**
 * The ledger records (README, "Records"). These schemas are the source of
 * docs/schemas/*.schema.json (a test keeps them in step) and validate every
 * line read back.
 */
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** Every line mlx writes ends with it; lines from before digests have none and still read. */
const digest = documented(
  z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
  {
    description:
      "Always the line's last field: SHA-256 (first 32 hex digits) of the previous line's digest (or of the file's name, for its first line) and of this line's text without the field; mlx doctor checks the chain",
  },
);
const regime = z.enum(['bullish', 'bearish', 'volatile', 'sideways']);

const predictionFields = {
  id: z.string().regex(/^[0-9a-f]{16,64}$/),
  symbol: z.string().min(1),
  as_of: day,
  created_at: z.string(),
  horizon_days: z.number().int().positive(),
  target_date: day,
  current_price: z.number().positive(),
  predicted_price: z.number().positive(),
  predicted_change_pct: z.number(),
  interval: z.object({
    level: z.number().gt(0).lt(1),
    low: z.number().positive(),
    high: z.number().positive(),
  }),
  direction: z.enum(['up', 'down']),
  probability_up: z.number().min(0).max(1),
  confidence: z.number().min(0).max(1),
  market_regime: regime.nullable(),
  signals: z.array(z.object({ name: z.string(), value: z.number(), weight: z.number() })),
  components: z.object({
    xgb: z.number().optional(),
    lstm: z.number().optional(),
    rules: z.number(),
  }),
  model: z.object({ name: z.string(), version: z.string(), feature_set: z.string() }),
  price_basis: z.object({ close: z.number().positive(), adj_factor: z.number().positive() }),
  in_sample: documented(z.boolean().optional(), {
    description:
      "true when the target session is inside the model's training data (predict --allow-in-sample); report keeps these apart",
  }),
  supersedes: documented(z.string().optional(), {
    description:
      'id of the earlier prediction for the same symbol, session and horizon that this one replaces (predict --replace); readers take this one',
  }),
  digest,
};

/** Written by mlx ≤ 0.1: components are log returns; direction is the sign of the change. */
export const predictionV1Schema = documented(
  z.object({ schema: z.literal('mlx.prediction/1'), ...predictionFields }),
  { title: 'mlx prediction record, version 1' },
);

/**
 * The forecast is drift plus the stock's expected excess over the universe;
 * components are each model's score in units of its cross-sectional spread;
 * direction is up exactly when probability_up ≥ 0.5.
 */
export const predictionV2Schema = documented(
  z.object({
    schema: z.literal('mlx.prediction/2'),
    ...predictionFields,
    /** The expected return over the universe mean, in percent over the horizon. */
    expected_excess_pct: z.number(),
    /** The universe's expected return over the horizon (from training rows), in percent. */
    drift_pct: z.number(),
    /** Percentile (0–100, 100 best) of the ensemble score among the model universe that session. */
    rank_pct: z.number().min(0).max(100),
    probability_outperform: z.number().min(0).max(1),
    /** Ensemble score, scaled units (what rank_pct ranks). */
    ensemble_score: z.number(),
    /**
     * Each component's score minus the session's mean (spread units): its
     * relative call, which verify scores against the realised excess.
     */
    relative: z
      .object({ xgb: z.number().optional(), lstm: z.number().optional(), rules: z.number() })
      .optional(),
    /** Annualised 20-session volatility at as_of (P(up) depends on it). */
    volatility: z.number().nonnegative(),
    /** Annualised short-window volatility the interval is scaled by (README, "How a prediction is made"). */
    interval_scale: z.number().nonnegative(),
    explain: documented(
      z
        .array(z.object({ feature: z.string(), value: z.number(), contribution: z.number() }))
        .optional(),
      {
        description:
          "The features that moved the XGBoost component most (top 5 by |contribution|): exact TreeSHAP contributions to XGBoost's raw score, each feature's scaled input and its per-date rank together; value in the stock's own units. Absent in older records and without XGBoost (mlx explain ID shows them all)",
      },
    ),
  }),
  { title: 'mlx prediction record, version 2' },
);

export const predictionSchema = documented(
  z.discriminatedUnion('schema', [predictionV1Schema, predictionV2Schema]),
  { title: 'mlx prediction record', description: 'One line of predictions/YYYY-MM.jsonl' },
);

export type Prediction = z.infer<typeof predictionSchema>;
export type PredictionV1 = z.infer<typeof predictionV1Schema>;
export type PredictionV2 = z.infer<typeof predictionV2Schema>;

const verificationFields = {
  prediction_id: z.string(),
  symbol: z.string(),
  as_of: day,
  target_date: day,
  verified_at: z.string(),
  status: z.enum(['verified', 'unresolvable']),
  reason: z.string().optional(),
  actual_date: day.optional(),
  actual_price: z.number().optional(),
  actual_change_pct: z.number().optional(),
  error_pct: z.number().optional(),
  direction_hit: z.boolean().optional(),
  within_interval: z.boolean().optional(),
  supersedes: documented(z.string().optional(), {
    description:
      'verified_at of the earlier verification of this prediction that this one replaces (verify --rescore); readers take the latest',
  }),
  digest,
};

/** Written by mlx ≤ 0.1: the absolute move only. */
export const verificationV1Schema = documented(
  z.object({ schema: z.literal('mlx.verification/1'), ...verificationFields }),
  { title: 'mlx verification record, version 1' },
);

/** Adds the relative outcome: the move against the universe's over the same sessions. */
export const verificationV2Schema = documented(
  z.object({
    schema: z.literal('mlx.verification/2'),
    ...verificationFields,
    /** The universe's mean realised change over the same sessions (log-mean, in percent). */
    universe_change_pct: z.number().optional(),
    /** How many symbols of the model's universe that mean is over. */
    universe_size: z.number().int().nonnegative().optional(),
    /** The stock's realised change over the universe's, in percent (log difference). */
    actual_excess_pct: z.number().optional(),
    /** The sign of the predicted excess matched the realised excess (`/2` predictions). */
    excess_hit: z.boolean().optional(),
  }),
  { title: 'mlx verification record, version 2' },
);

export const verificationSchema = documented(
  z.discriminatedUnion('schema', [verificationV1Schema, verificationV2Schema]),
  {
    title: 'mlx verification record',
    description: 'One line of predictions/verifications/YYYY-MM.jsonl',
  },
);

export type Verification = z.infer<typeof verificationSchema>;
export type VerificationV2 = z.infer<typeof verificationV2Schema>;

export function publishedSchema(
  schema: typeof predictionSchema | typeof verificationSchema,
): unknown {
  return jsonSchema(schema);
}
