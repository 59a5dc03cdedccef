import { z } from 'zod/v4';
import { DataError } from '../errors.ts';

/**
 * The per-fold diagnostics train writes to metrics.json (`folds[]`), read back
 * for `mlx models show`. Every field but the fold's dates is optional: older
 * versions wrote fewer, and a model without XGBoost or the LSTM has no entry
 * for it.
 */
const range = z.object({ from: z.string(), to: z.string(), rows: z.number().optional() });
const foldSchema = z.object({
  index: z.number().int(),
  train: range.optional(),
  validation: range.optional(),
  test: range,
  xgb: z.object({ rounds_run: z.number(), best_iteration: z.number() }).optional(),
  lstm: z
    .object({ epochs_run: z.number(), samples: z.number(), backend: z.string().optional() })
    .optional(),
  ensemble: z
    .object({ weights: z.record(z.string(), z.number()), weighting: z.string().optional() })
    .optional(),
  ensemble_rank_ic: z.number().nullable().optional(),
  ensemble_directional_accuracy: z.number().nullable().optional(),
  coverage: z.number().nullable().optional(),
});
const metricsFoldsSchema = z.object({ folds: z.array(foldSchema).optional() });

export type FoldDiagnostics = z.infer<typeof foldSchema>;

/** The folds of a metrics.json document (already parsed); a malformed one names the file and field. */
export function foldDiagnostics(metrics: unknown, file: string): FoldDiagnostics[] {
  if (metrics === null || metrics === undefined) return [];
  const parsed = metricsFoldsSchema.safeParse(metrics);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataError(
      `${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
      'the model folder is damaged: retrain (mlx train) or promote another version',
    );
  }
  return parsed.data.folds ?? [];
}

const finalFitSchema = z.object({
  xgb: z.object({ rounds_run: z.number(), best_iteration: z.number() }).optional(),
  lstm: z.object({ epochs_run: z.number(), samples: z.number() }).optional(),
});

export type FinalFit = z.infer<typeof finalFitSchema>;

/** What the final fit ran (manifest params.final_fit), when the manifest records it. */
export function finalFit(params: Record<string, unknown>): FinalFit | null {
  const parsed = finalFitSchema.safeParse(params.final_fit);
  return parsed.success && (parsed.data.xgb || parsed.data.lstm) ? parsed.data : null;
}
