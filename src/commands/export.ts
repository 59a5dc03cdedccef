import type { Context } from '../context.ts';
import {
  exportData as exportTables,
  type ExportOptions,
  type ExportResult,
} from '../jobs/export.ts';

export type { ExportedFile, ExportOptions, ExportResult, ExportTuning } from '../jobs/export.ts';

/**
 * `mlx export WHAT... --out DIR`: bars, features and the ledgers as Parquet or
 * CSV files (the use case is jobs/export.ts).
 */
export function exportData(ctx: Context, options: ExportOptions): Promise<ExportResult> {
  return exportTables(ctx, options);
}
