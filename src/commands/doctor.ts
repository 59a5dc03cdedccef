import type { Context } from '../context.ts';
import { doctor as examine, type DoctorOptions, type DoctorResult } from '../doctor/run.ts';

export { reindex } from '../doctor/run.ts';
export type { Check, DoctorOptions, DoctorResult } from '../doctor/run.ts';

/**
 * `mlx doctor`: the environment, the lock, the store, the ledgers and every
 * promoted model checked; repaired with --repair, the index rebuilt with
 * --reindex (the checks are doctor/run.ts).
 */
export function doctor(ctx: Context, options: DoctorOptions): Promise<DoctorResult> {
  return examine(ctx, options);
}
