import { predict } from '../jobs/predict.ts';
import { verify } from '../jobs/verify.ts';
import type { LoopSteps } from './session-replay.ts';

/** The live loop's steps for a replay: predict with data up to the session, verify what is due. */
export const LIVE_LOOP: LoopSteps = {
  predict: async (ctx, session, reuse, symbols) =>
    (await predict(ctx, { asOf: session, fetch: false, allowStale: false, symbols }, reuse))
      .appended.length,
  verify: async (ctx, adapt) =>
    (await verify(ctx, { dryRun: false, fetch: false, adapt })).verified.length,
};
