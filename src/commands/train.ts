import type { Context } from '../context.ts';
import { train as trainVersion, type TrainOptions, type TrainResult } from '../jobs/train.ts';

export type { TrainOptions, TrainResult } from '../jobs/train.ts';

/** `mlx train`: a new model version of the home's universe (the use case is jobs/train.ts). */
export function train(ctx: Context, options: TrainOptions): Promise<TrainResult> {
  return trainVersion(ctx, options);
}
