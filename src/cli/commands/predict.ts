import type { Command } from 'commander';
import { DataError, ExitCode } from '../../errors.ts';
import { selectPredictions } from '../../prediction/select.ts';
import { flag, modelOptions } from '../flags.ts';
import { action } from '../runtime.ts';
import { writeOut } from '../io.ts';
import { predictionTable } from '../prediction-table.ts';
import { addSelectionOptions } from './predictions.ts';

export function registerPredictCommand(program: Command): void {
  const command = program
    .command('predict')
    .description(
      'refresh data, predict every symbol for its last closed session, append to the ledger',
    )
    .argument(
      '[symbols...]',
      "symbols (default: --universe, the config universe, else the model's symbols)",
    )
    .addOption(flag('universe', 'the symbols in a file'))
    .addOption(
      flag(
        'asOf',
        'predict this past session (one that has closed, with its bars in the store) using only data up to it (no fetch)',
      ),
    )
    .option('--no-fetch', 'do not refresh data from Yahoo first')
    .option(
      '--allow-stale',
      'predict symbols whose data is more than staleSessions (config, 3) behind',
      false,
    )
    .option(
      '--allow-in-sample',
      "record predictions whose target session is inside the model's training data, marked in_sample: true",
      false,
    )
    .addOption(flag('model', 'the model that predicts (default: config modelName)'))
    .option(
      '--replace',
      'for a stock and session that already have a prediction (by another model version), append one that supersedes it',
      false,
    )
    .option('--jsonl', 'print the new ledger lines (JSON Lines) on stdout', false);
  addSelectionOptions(command)
    .addHelpText(
      'after',
      `
Each stock has one prediction per session and horizon: a second run for the same session appends
nothing and says which model version made the record already there, even after a retrain
promoted another version; --replace appends one that supersedes it (readers count it once). Records are appended to predictions/YYYY-MM.jsonl only
after every symbol is computed. With --json, stdout is the array of new records; symbols that
could not be predicted are listed on stderr with their reason, and the exit code is 3 (1 when
none could be predicted). --top and --sort choose what is printed, not what is recorded. To list
predictions already in the ledger (a rerun prints none), use mlx predictions.

--as-of D records D as it is, or nothing: a weekend or market holiday (exit 2, naming the sessions
before and after), a date to come (exit 2) and a session no symbol has bars for (exit 2) are
refused; a symbol without a bar for D is named with its last bar, and the others are predicted.

A prediction whose target session is on or before the last bar the model was trained on would be
scored on data the model learned from: predict refuses it (exit 2). Replay the past with
mlx backtest, or use a model trained up to an earlier date; --allow-in-sample records it marked
in_sample: true, and mlx report keeps those apart.

The live examples refresh from Yahoo: they need the network, and bars up to the last close. The
last two predict the past offline, with a model trained before it.

Examples:
  mlx predict                                  after the close, from cron
  mlx predict AAPL MSFT --json | jq '.[] | {symbol, predicted_change_pct, probability_up}'
  mlx predict --top 10 --sort expected_excess_pct
  mlx train --until 2020-02-28 --model past    a model that has not seen March 2020, then:
  mlx predict --model past --as-of 2020-03-02 --no-fetch --json | jq length`,
    )
    .action(
      action(
        async (
          inv,
          symbols: string[],
          options: {
            universe?: string;
            asOf?: string;
            fetch: boolean;
            allowStale: boolean;
            allowInSample: boolean;
            model?: string;
            replace: boolean;
            jsonl: boolean;
            top?: number;
            sort?: string;
            ascending?: boolean;
          },
        ) => {
          const selection = {
            top: options.top,
            sort: options.sort,
            ascending: options.ascending,
          };
          // A bad --sort is refused before anything is predicted.
          selectPredictions([], selection);
          const { predict } = await import('../../commands/predict.ts');
          const result = await predict(inv.ctx, {
            symbols,
            universeFile: options.universe,
            asOf: options.asOf,
            fetch: options.fetch,
            allowStale: options.allowStale,
            allowInSample: options.allowInSample,
            ...(options.model ? modelOptions(options.model) : {}),
            replace: options.replace,
          });
          for (const failure of result.failures)
            inv.ctx.log.warn(`${failure.symbol}: not predicted: ${failure.reason}`);
          if (result.exit_code === ExitCode.failure) {
            // Nothing could be predicted: a failure, so --json prints the error document.
            const first = result.failures[0];
            throw new DataError(
              `no symbol could be predicted (${result.failures.length} failed; ${first.symbol}: ${first.reason})`,
              'see the reasons above',
            );
          }
          const shown = selectPredictions(result.appended, selection);
          if (options.jsonl) {
            if (shown.length) writeOut(shown.map((r) => JSON.stringify(r)).join('\n'));
          } else {
            inv.emit(shown, () => predictionTable(shown, inv.terminal));
          }
          const otherVersions = result.already.filter(
            (a) => a.model.name !== result.model.name || a.model.version !== result.model.version,
          );
          if (otherVersions.length > 0) {
            const first = otherVersions[0];
            inv.ctx.log.info(
              `${otherVersions.length} symbol(s) already predicted for the session by another model version ` +
                `(${first.symbol} ${first.as_of} by ${first.model.name}/${first.model.version}` +
                `${otherVersions.length > 1 ? ', …' : ''}): kept; --replace appends a superseding record`,
            );
          }
          inv.ctx.log.info(
            `${result.appended.length} prediction(s) appended` +
              (result.already_recorded
                ? `, ${result.already_recorded} already in the ledger (nothing to do for them)`
                : '') +
              (result.failures.length ? `, ${result.failures.length} symbol(s) failed` : '') +
              ` — model ${result.model.name}/${result.model.version}`,
          );
          return result.exit_code;
        },
      ),
    );
}
