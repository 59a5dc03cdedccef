import type { Context } from '../context.ts';
import { verify as verifyDue, type VerifyOptions, type VerifyResult } from '../jobs/verify.ts';

export { UNRESOLVABLE_AFTER_DAYS } from '../jobs/verify.ts';
export type {
  VerifiedPrediction,
  VerifyFailure,
  VerifyOptions,
  VerifyResult,
} from '../jobs/verify.ts';

/**
 * `mlx verify`: score every due prediction exactly once, then move the
 * per-stock weights (the use case is jobs/verify.ts).
 */
export function verify(ctx: Context, options: VerifyOptions): Promise<VerifyResult> {
  return verifyDue(ctx, options);
}
