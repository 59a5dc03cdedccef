import type { Command } from 'commander';
import { ExitCode, UsageError } from '../../errors.ts';
import { requireSymbol } from '../../exchanges.ts';
import { writeOut } from '../io.ts';
import { flag, wholeNumber } from '../flags.ts';
import { action } from '../runtime.ts';
import { renderTable } from '../table.ts';

export function registerFeaturesCommand(program: Command): void {
  program
    .command('features')
    .description('the exact feature rows the models see, for debugging and audits')
    .argument('<symbol>', 'a stored symbol')
    .addOption(
      flag(
        'asOf',
        'the row of this session, computed from data up to it only (default: the last bar)',
      ),
    )
    .option(
      '--last <n>',
      'this many rows ending at --as-of',
      wholeNumber({ min: 1, max: 100_000, unit: 'rows' }),
      1,
    )
    .option('--csv', 'CSV on stdout (one row per session); not with --json', false)
    .addHelpText(
      'after',
      `
Rows in warm-up (not enough history) are shown with valid=false and null values: models never see them.

Examples:
  mlx features AAPL --as-of 2020-08-31 --json | jq '.rows[0].features.ret_1'
  mlx features MSFT --last 20 --csv > msft-features.csv`,
    )
    .action(
      action(
        async (inv, rawSymbol: string, options: { asOf?: string; last: number; csv: boolean }) => {
          if (options.csv && inv.json)
            throw new UsageError(
              '--csv and --json each choose what stdout carries: pass one of them',
            );
          const symbol = requireSymbol(rawSymbol);
          const { showFeatures } = await import('../../commands/features.ts');
          const report = await showFeatures(inv.ctx, symbol, {
            asOf: options.asOf,
            last: options.last,
          });
          if (options.csv) {
            const { featureRowsToCsv } = await import('../../features/index.ts');
            writeOut(featureRowsToCsv(report));
            return ExitCode.ok;
          }
          inv.emit(report, () =>
            [
              `${report.symbol} feature set ${report.featureSet.id}`,
              renderTable(
                ['feature', ...report.rows.map((r) => `${r.date}${r.valid ? '' : ' (warm-up)'}`)],
                report.names.map((name) => [
                  name,
                  ...report.rows.map((r) =>
                    r.features[name] === null ? '–' : (r.features[name] as number).toPrecision(6),
                  ),
                ]),
                inv.terminal,
              ),
            ].join('\n'),
          );
          return ExitCode.ok;
        },
      ),
    );
}
