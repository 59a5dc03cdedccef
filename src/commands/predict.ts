import type { Context } from '../context.ts';
import {
  predict as predictTargets,
  type PredictOptions,
  type PredictResult,
} from '../jobs/predict.ts';

export type {
  AlreadyRecorded,
  PredictFailure,
  PredictOptions,
  PredictResult,
  PredictTarget,
} from '../jobs/predict.ts';

/**
 * `mlx predict`: every symbol of the universe for its last closed session,
 * appended to the ledger exactly once (the use case is jobs/predict.ts).
 */
export function predict(ctx: Context, options: PredictOptions): Promise<PredictResult> {
  return predictTargets(ctx, options);
}
