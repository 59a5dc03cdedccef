import type { Context } from '../context.ts';
import {
  importModel as importBooster,
  type ImportOptions,
  type ImportResult,
} from '../jobs/import-model.ts';

export type { ImportOptions, ImportResult } from '../jobs/import-model.ts';

/**
 * `mlx models import --xgb FILE --like VERSION`: a new version that is VERSION
 * with FILE as its booster (the use case is jobs/import-model.ts).
 */
export function importModel(ctx: Context, options: ImportOptions): Promise<ImportResult> {
  return importBooster(ctx, options);
}
