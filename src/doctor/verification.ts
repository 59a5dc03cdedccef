import type { Context } from '../context.ts';
import { MlxError, errorMessage } from '../errors.ts';
import type { Check } from './check.ts';

/** What the check needs of a dry run of verify (the command, passed in by doctor). */
export type VerifyDryRun = (ctx: Context) => Promise<{
  failures: readonly { symbol: string; predictions: number; reason: string }[];
  rescorable: number;
  verified: readonly { target_date: string }[];
  pending: number;
}>;

/** Days after its target a due prediction may wait for the weekly verify before doctor objects. */
export const OVERDUE_DAYS = 7;

/**
 * What a verify run would meet now (a dry run: nothing written): due
 * predictions whose bars are missing, predictions recorded unresolvable
 * that could be scored now (closed wrongly, e.g. while the store was missing),
 * and due predictions left unverified for more than a week (a verify job that
 * stopped running).
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
      problems.push(`due predictions lack bars: ${byReason(dry.failures)}`);
      hints.push(
        'restore or refresh the data (mlx data import FILE, mlx data fetch SYMBOL), or mark a delisted symbol with mlx verify --delisted SYMBOL',
      );
    }
    const overdue = overdueTargets(dry.verified, ctx.now());
    if (overdue.length > 0) {
      problems.push(
        `${overdue.length} due prediction(s) unverified for more than ${OVERDUE_DAYS} days (targets ${overdue[0]} to ${overdue.at(-1)})`,
      );
      hints.push('mlx verify scores them (is its cron job running? see mlx cron)');
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
        ? `${hints.join('; ')} (--repair does none of this: it never invents or scores outcomes)`
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

/** Target dates, ascending, of due predictions whose target is more than OVERDUE_DAYS ago (pure). */
export function overdueTargets(due: readonly { target_date: string }[], now: Date): string[] {
  const limit = new Date(now.getTime() - OVERDUE_DAYS * 86_400_000).toISOString().slice(0, 10);
  return due
    .map((p) => p.target_date)
    .filter((d) => d < limit)
    .sort();
}

/** Failures grouped by reason, a few symbols named per group: one short line for 55 alike. */
export function byReason(
  failures: readonly { symbol: string; predictions: number; reason: string }[],
): string {
  const groups = new Map<string, { symbols: string[]; predictions: number }>();
  for (const f of failures) {
    const group = groups.get(f.reason) ?? { symbols: [], predictions: 0 };
    group.symbols.push(f.symbol);
    group.predictions += f.predictions;
    groups.set(f.reason, group);
  }
  return [...groups]
    .map(([reason, g]) => {
      const named =
        g.symbols.length > 5
          ? `${g.symbols.slice(0, 5).join(', ')} and ${g.symbols.length - 5} more`
          : g.symbols.join(', ');
      return `${named} (${g.predictions} prediction(s)): ${reason}`;
    })
    .join('; ');
}
