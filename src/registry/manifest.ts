import { z } from 'zod';

/**
 * manifest.json of one model version: what it is, from what, made how.
 * `mlx.model/2` versions carry the head (params.head) that turns component
 * scores into a forecast; `/1` versions (mlx ≤ 0.1) are still listed, but
 * predict asks for a retrain.
 */
export const manifestSchema = z.object({
  schema: z.enum(['mlx.model/1', 'mlx.model/2']),
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
  params: z.record(z.string(), z.unknown()),
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
});

export type Manifest = z.infer<typeof manifestSchema>;
