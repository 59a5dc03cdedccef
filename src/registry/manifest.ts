import { z } from 'zod';

/** manifest.json of one model version: what it is, from what, made how. */
export const manifestSchema = z.object({
  schema: z.literal('mlx.model/1'),
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
});

export type Manifest = z.infer<typeof manifestSchema>;
