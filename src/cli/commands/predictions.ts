import type { Command } from 'commander';
import { ExitCode } from '../../errors.ts';
import { SORT_FIELDS } from '../../prediction/select.ts';
import { writeOut } from '../io.ts';
import { flag, wholeNumber } from '../flags.ts';
import { predictionTable } from '../prediction-table.ts';
import { action } from '../runtime.ts';

/** --top and --sort, shared by predict and predictions. */
export function addSelectionOptions(command: Command): Command {
  return command
    .option(
      '--top <n>',
      'only the first N records (after --sort)',
      wholeNumber({ min: 1, max: 1_000_000, unit: 'records' }),
    )
    .option('--sort <field>', `highest first by one of: ${SORT_FIELDS.join(', ')}`)
    .option('--ascending', 'lowest first (text fields are A→Z already)');
}

export function registerPredictionsCommand(program: Command): void {
  const command = program
    .command('predictions')
    .description(
      'list predictions already in the ledger (default: the latest session), for people and pipes',
    )
    .addOption(flag('asOf', 'the predictions made for this session'))
    .addOption(flag('since', 'every session on or after this'))
    .addOption(flag('symbol', 'one symbol only'))
    .option('--jsonl', 'the ledger lines (JSON Lines) on stdout', false);
  addSelectionOptions(command)
    .addHelpText(
      'after',
      `
Reads the ledger only (no data, no model, no lock): what predict appended, whenever it ran —
from cron or by hand. With --json, stdout is an array of the records as the ledger holds them;
with --jsonl, one record per line. The table adds each prediction's outcome when it is verified.
Symbols marked * were recorded in-sample (predict --allow-in-sample).

Examples:
  mlx predictions                                   the latest session
  mlx predictions --top 5 --sort probability_up
  mlx predictions --as-of 2020-03-02 --json | jq length
  mlx predictions --json | jq '.[] | select(.probability_up > .6) | .symbol'
  mlx predictions --since 7d --symbol AAPL --jsonl`,
    )
    .action(
      action(
        async (
          inv,
          options: {
            asOf?: string;
            since?: string;
            symbol?: string;
            jsonl: boolean;
            top?: number;
            sort?: string;
            ascending?: boolean;
          },
        ) => {
          const { listPredictions } = await import('../../commands/predictions.ts');
          const listing = listPredictions(inv.ctx, {
            asOf: options.asOf,
            since: options.since,
            symbol: options.symbol,
            top: options.top,
            sort: options.sort,
            ascending: options.ascending,
          });
          if (listing.skippedLines)
            inv.ctx.log.warn(
              `${listing.skippedLines} unreadable ledger line(s) skipped: mlx doctor shows them`,
            );
          const { predictions } = listing;
          if (options.jsonl) {
            if (predictions.length) writeOut(predictions.map((r) => JSON.stringify(r)).join('\n'));
          } else {
            const noSkill = listing.direction !== null && !listing.direction.skill;
            inv.emit(predictions, () =>
              predictionTable(predictions, inv.terminal, {
                verifications: listing.verifications,
                heads: listing.heads,
                relativeFirst: noSkill,
              }),
            );
            const d = listing.direction;
            if (d && noSkill && predictions.length && !inv.json)
              inv.ctx.log.info(
                `direction and P(up) are the base rate: over ${d.verified} verified predictions the direction hit ` +
                  `${(d.hit_rate * 100).toFixed(1)}%, always saying up ${(d.always_up * 100).toFixed(1)}% (no skill). ` +
                  'Read rank, excess and P(out) (the relative view), first in the table.',
              );
          }
          if (predictions.length === 0)
            inv.ctx.log.info(
              options.asOf || options.since || options.symbol
                ? 'no predictions match'
                : 'no predictions in the ledger yet: mlx predict',
            );
          else if (listing.session)
            inv.ctx.log.info(
              `${predictions.length} prediction(s) of session ${listing.session} (the latest; --as-of or --since for others)`,
            );
          return ExitCode.ok;
        },
      ),
    );
}
