import type { Context } from '../context.ts';
import type { LedgerWarnings } from '../ledger/reader.ts';
import { buildReport as reportOf } from '../report/build.ts';
import type { Report, ReportOptions } from '../report/document.ts';

/** `mlx report`: accuracy from the ledgers (the truth), weights from the store (see report/build.ts). */
export function buildReport(
  ctx: Context,
  options: ReportOptions,
): Promise<Report & { ledger: LedgerWarnings }> {
  return reportOf(ctx, options);
}
