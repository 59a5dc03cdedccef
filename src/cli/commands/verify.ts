import type { Command } from 'commander';
import type { VerifiedPrediction } from '../../commands/verify.ts';
import { DataError, ExitCode } from '../../errors.ts';
import { UNRESOLVABLE_AFTER_DAYS } from '../../verification/unresolvable.ts';
import type { WeightChange } from '../../weights/update.ts';
import { flag, parseSymbolList } from '../flags.ts';
import { action } from '../runtime.ts';
import { formatNumber, formatPct, renderTable, type TableTerminal } from '../table.ts';

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'score due predictions against realised prices (exactly once) and adapt per-stock signal weights',
    )
    .addOption(
      flag(
        'since',
        'print the predictions whose target date is on or after this (default: all); every due prediction is scored whatever the window',
      ),
    )
    .addOption(flag('until', 'and on or before this date'))
    .option('--dry-run', 'score and print, write nothing', false)
    .option('--no-fetch', 'do not refresh data from Yahoo first')
    .option(
      '--delisted <symbols...>',
      'symbols known to be delisted: their predictions with no data 14 days past the target are recorded unresolvable',
      parseSymbolList,
    )
    .option(
      '--rescore',
      'score again predictions recorded unresolvable whose bars are there now (appends records that supersede them)',
      false,
    )
    .addHelpText(
      'after',
      `
Every due prediction is scored, whatever --since and --until say: they choose which of the
verified predictions are printed, and stderr counts the others. A weekly verify --since 7d that
missed a week (the machine was off) scores that week on its next run.

A prediction is due when its symbol has h bars after as_of. The realised change uses bars adjusted
as of now, so a split or dividend in between is not scored as a miss; prices are shown in the
as_of price basis. Each prediction gets exactly one verification, whatever reruns or crashes happen.

Unresolvable needs evidence: the series goes on past the target without the as_of bar, or the
symbol is delisted (--delisted). Missing bars ${UNRESOLVABLE_AFTER_DAYS} days past a target (no store, a symbol removed,
data not refreshed) are an error naming the symbol, and nothing is recorded for it: exit 1, or 3
when other predictions were verified. --rescore re-scores predictions recorded unresolvable once
their bars are there: a new record with "supersedes" is appended; readers take the latest.
With --json, stdout is the array of verified predictions, each with its "verification";
symbols that failed are named on stderr.

Examples:
  mlx verify --since 7d                        weekly, from cron (refreshes from Yahoo: needs the network)
  mlx verify --since 2019-12-01 --no-fetch --json | jq '[.[] | .verification.direction_hit] | map(select(.)) | length'
  mlx verify --rescore --no-fetch              after restoring data that was missing`,
    )
    .action(
      action(
        async (
          inv,
          options: {
            since?: string;
            until?: string;
            dryRun: boolean;
            fetch: boolean;
            delisted?: string[];
            rescore: boolean;
          },
        ) => {
          const { verify } = await import('../../commands/verify.ts');
          const result = await verify(inv.ctx, options);
          const hint =
            'refresh or restore the data (mlx data fetch SYMBOL, or mlx data import FILE), then rerun; ' +
            'if a symbol is delisted: mlx verify --delisted SYMBOL';
          for (const failure of result.failures) {
            inv.ctx.log.error(
              `${failure.symbol}: ${failure.predictions} prediction(s) not verified: ${failure.reason}`,
            );
          }
          if (result.exit_code === ExitCode.failure) {
            // Nothing could be verified: a failure, so --json prints the error document.
            const symbols = result.failures.map((f) => f.symbol).join(', ');
            throw new DataError(
              `no prediction could be verified: bars missing for ${symbols}`,
              hint,
            );
          }
          if (result.failures.length > 0) inv.ctx.log.info(`  ${hint}`);
          inv.emit(result.shown, () =>
            verifyTable(result.shown, result.weight_changes, inv.terminal),
          );
          inv.ctx.log.info(
            `${result.verified.length} prediction(s) ${result.dry_run ? 'would be ' : ''}verified` +
              (result.rescored ? ` (${result.rescored} re-scored)` : '') +
              (result.outside_window
                ? ` (${result.outside_window} of them with a target outside ${windowWords(options)}: scored, not listed; mlx predictions --since DATE lists them)`
                : '') +
              `, ${result.pending} not due yet, ${result.already_verified} already verified; ` +
              `${result.weight_changes.length} weight change(s)`,
          );
          if (result.rescorable > 0) {
            inv.ctx.log.info(
              `${result.rescorable} prediction(s) recorded unresolvable have their bars now: mlx verify --rescore scores them`,
            );
          }
          return result.exit_code;
        },
      ),
    );
}

function windowWords(options: { since?: string; until?: string }): string {
  return [
    options.since ? `--since ${options.since}` : '',
    options.until ? `--until ${options.until}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

function verifyTable(
  verified: readonly VerifiedPrediction[],
  changes: readonly WeightChange[],
  terminal: TableTerminal,
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
      'relative hits',
      'mean |error|',
      'coverage',
      'weight changes',
    ],
    [...bySymbol].sort().map(([symbol, list]) => {
      const scored = list.filter((v) => v.verification.status === 'verified');
      const hits = scored.filter((v) => v.verification.direction_hit).length;
      const covered = scored.filter((v) => v.verification.within_interval).length;
      const relative = scored.flatMap((v) =>
        v.verification.schema === 'mlx.verification/2' && v.verification.excess_hit !== undefined
          ? [v.verification.excess_hit]
          : [],
      );
      const error = scored.reduce((sum, v) => sum + Math.abs(v.verification.error_pct ?? 0), 0);
      return [
        symbol,
        scored.length,
        list.length - scored.length,
        formatPct(scored.length ? hits / scored.length : null),
        formatPct(relative.length ? relative.filter(Boolean).length / relative.length : null),
        scored.length ? `${formatNumber(error / scored.length, 2)} pts` : '–',
        formatPct(scored.length ? covered / scored.length : null),
        changes.filter((c) => c.symbol === symbol).length,
      ];
    }),
    terminal,
  );
}
