import type { Command } from 'commander';
import { verify, type VerifiedPrediction } from '../../commands/verify.ts';
import type { WeightChange } from '../../weights/update.ts';
import { action } from '../runtime.ts';
import { formatNumber, formatPct, renderTable } from '../table.ts';

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'score due predictions against realised prices (exactly once) and adapt per-stock signal weights',
    )
    .option(
      '--since <when>',
      'predictions whose target date is on or after this: Nd (e.g. 7d) or YYYY-MM-DD (default: all)',
    )
    .option('--until <date>', 'and on or before this date')
    .option('--dry-run', 'score and print, write nothing', false)
    .option('--no-fetch', 'do not refresh data from Yahoo first')
    .addHelpText(
      'after',
      `
A prediction is due when its symbol has h bars after as_of. The realised change uses bars adjusted
as of now, so a split or dividend in between is not scored as a miss; prices are shown in the
as_of price basis. A prediction with no data ${'14'} days past its target is recorded as unresolvable.
Each prediction gets exactly one verification, whatever reruns or crashes happen.
With --json, stdout is the array of verified predictions, each with its "verification".

Examples:
  mlx verify --since 7d                        weekly, from cron
  mlx verify --since 2019-12-01 --no-fetch --json | jq '[.[] | .verification.direction_hit] | map(select(.)) | length'`,
    )
    .action(
      action(
        async (
          inv,
          options: { since?: string; until?: string; dryRun: boolean; fetch: boolean },
        ) => {
          const result = await verify(inv.ctx, options);
          inv.emit(result.verified, () =>
            verifyTable(result.verified, result.weight_changes, inv.terminal.stdoutIsTTY),
          );
          inv.ctx.log.info(
            `${result.verified.length} prediction(s) ${result.dry_run ? 'would be ' : ''}verified, ${result.pending} not due yet, ` +
              `${result.already_verified} already verified; ${result.weight_changes.length} weight change(s)`,
          );
          return result.exit_code;
        },
      ),
    );
}

function verifyTable(
  verified: readonly VerifiedPrediction[],
  changes: readonly WeightChange[],
  tty: boolean,
): string {
  if (verified.length === 0) return '';
  const bySymbol = new Map<string, VerifiedPrediction[]>();
  for (const v of verified) bySymbol.set(v.symbol, [...(bySymbol.get(v.symbol) ?? []), v]);
  return renderTable(
    [
      'symbol',
      'verified',
      'unresolvable',
      'hit rate',
      'mean |error|',
      'coverage',
      'weight changes',
    ],
    [...bySymbol].sort().map(([symbol, list]) => {
      const scored = list.filter((v) => v.verification.status === 'verified');
      const hits = scored.filter((v) => v.verification.direction_hit).length;
      const covered = scored.filter((v) => v.verification.within_interval).length;
      const error = scored.reduce((sum, v) => sum + Math.abs(v.verification.error_pct ?? 0), 0);
      return [
        symbol,
        scored.length,
        list.length - scored.length,
        formatPct(scored.length ? hits / scored.length : null),
        scored.length ? `${formatNumber(error / scored.length, 2)} pts` : '–',
        formatPct(scored.length ? covered / scored.length : null),
        changes.filter((c) => c.symbol === symbol).length,
      ];
    }),
    tty,
  );
}
