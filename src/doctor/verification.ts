import type { Context } from '../context.ts';
import { MlxError, errorMessage } from '../errors.ts';
import type { Check } from './check.ts';

/** What the check needs of a dry run of verify (the command, passed in by doctor). */
export type VerifyDryRun = (ctx: Context) => Promise<{
  failures: readonly { symbol: string; predictions: number; reason: string }[];
  rescorable: number;
  verified: readonly unknown[];
  pending: number;
}>;

/**
 * What a verify run would meet now (a dry run: nothing written): due
 * predictions whose bars are missing, and predictions recorded unresolvable
 * that could be scored now (closed wrongly, e.g. while the store was missing).
 */
export async function verificationCheck(ctx: Context, dryRun: VerifyDryRun): Promise<Check> {
  const quiet: Context = {
    ...ctx,
    log: { ...ctx.log, info: () => {}, warn: () => {}, debug: () => {} },
  };
  try {
    const dry = await dryRun(quiet);
    const problems: string[] = [];
    const hints: string[] = [];
    if (dry.failures.length > 0) {
      problems.push(
        `due predictions lack bars: ${dry.failures.map((f) => `${f.symbol} (${f.predictions}: ${f.reason})`).join('; ')}`,
      );
      hints.push(
        'restore or refresh the data (mlx data import FILE, mlx data fetch SYMBOL), or mark a delisted symbol with mlx verify --delisted SYMBOL',
      );
    }
    if (dry.rescorable > 0) {
      problems.push(`${dry.rescorable} prediction(s) recorded unresolvable have their bars now`);
      hints.push('mlx verify --rescore scores them, superseding the old records');
    }
    return {
      name: 'verification',
      ok: problems.length === 0,
      detail:
        problems.join('; ') ||
        `${dry.verified.length} prediction(s) due, ${dry.pending} not due yet, nothing missing`,
      hint: hints.length
        ? `${hints.join('; ')} (--repair does neither: it never invents or re-scores outcomes)`
        : undefined,
    };
  } catch (err) {
    return {
      name: 'verification',
      ok: false,
      detail: errorMessage(err),
      hint: err instanceof MlxError ? err.hint : undefined,
    };
  }
}
