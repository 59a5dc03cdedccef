import type { Context } from '../context.ts';
import {
  importFiles as importInto,
  type ImportOptions,
  type ImportResult,
} from '../jobs/import-data.ts';

export type { ImportedFile, ImportOptions, ImportResult } from '../jobs/import-data.ts';

/**
 * `mlx data import FILE...`: every file parsed and checked before anything is
 * written (the use case is jobs/import-data.ts).
 */
export function importFiles(ctx: Context, options: ImportOptions): Promise<ImportResult> {
  return importInto(ctx, options);
}
