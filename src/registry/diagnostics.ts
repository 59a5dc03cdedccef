import { z } from 'zod';
import { DataError } from '../errors.ts';
import { foldSchema } from './metrics-file.ts';

/** The per-fold diagnostics train writes to metrics.json (`folds[]`), read back for `mlx models show`. */
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
  xgb: z
    .object({
      rounds_run: z.number(),
      best_iteration: z.number(),
      members: z.array(z.number()).optional(),
    })
    .optional(),
  lstm: z.object({ epochs_run: z.number(), samples: z.number() }).optional(),
});

export type FinalFit = z.infer<typeof finalFitSchema>;

/** What the final fit ran (manifest params.final_fit), when the manifest records it. */
export function finalFit(params: Record<string, unknown>): FinalFit | null {
  const parsed = finalFitSchema.safeParse(params.final_fit);
  return parsed.success && (parsed.data.xgb || parsed.data.lstm) ? parsed.data : null;
}
