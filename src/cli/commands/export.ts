import type { Command } from 'commander';
import type { ExportResult } from '../../commands/export.ts';
import { EXPORT_KINDS, type ExportKind } from '../../export/kinds.ts';
import { ExitCode } from '../../errors.ts';
import type { ExportFormat } from '../../export/write.ts';
import { flag, OLD_SPELLINGS } from '../flags.ts';
import { action } from '../runtime.ts';
import { renderTable, type TableTerminal } from '../table.ts';

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'bars, features and the ledgers as Parquet (or CSV) files, for pandas, polars, DuckDB or Spark',
    )
    .argument('<what...>', `what to export: ${EXPORT_KINDS.join(', ')} (one or more)`)
    .requiredOption('--out <dir>', 'the folder that receives <what>.parquet (made if missing)')
    .option('--format <format>', 'parquet or csv', 'parquet')
    .addOption(flag('since', 'sessions (bars, features) or as_of dates (ledgers) from this'))
    .addOption(
      flag('symbols', 'only these symbols; features are still ranked across the whole universe'),
    )
    .addOption(OLD_SPELLINGS.symbolList())
    .addOption(
      flag(
        'model',
        'features: the version whose universe, label and scaler to use (default: the promoted one, if any)',
      ),
    )
    .addHelpText(
      'after',
      `
Files (each replaced whole; Parquet files carry mlx_schema in their metadata):
  bars.parquet           as traded (open…volume, dividend, split, source) plus adj_open…adj_volume, adj_factor
  features.parquet       the rows the models see: every feature in its own units, <feature>_cs_rank
                         (XGBoost's per-date ranks), with a model <feature>_scaled (XGBoost's standardised
                         inputs; the file's xgb_inputs metadata lists them in XGBoost's order), and the
                         forward log return and label where known
  predictions.parquet    the prediction ledger, one row per prediction, nested fields flattened
  verifications.parquet  the verification ledger, one row per line (latest = the one readers use)

The last example needs the DuckDB CLI, which mlx does not install.

Examples:
  mlx export bars features --out export/
  mlx export predictions verifications --out export/ --since 90d
  mlx export features --format csv --symbols AAPL,MSFT --out features-csv/
  duckdb -c "SELECT symbol, avg(probability_up) FROM 'export/predictions.parquet' GROUP BY 1"`,
    )
    .action(
      action(
        async (
          inv,
          what: string[],
          options: {
            out: string;
            format: string;
            since?: string;
            symbols?: string[];
            symbol?: string[];
            model?: string;
          },
        ) => {
          const { exportData } = await import('../../commands/export.ts');
          const result = await exportData(inv.ctx, {
            what: what as ExportKind[],
            format: options.format as ExportFormat,
            out: options.out,
            since: options.since,
            symbols: options.symbols ?? options.symbol,
            model: options.model,
          });
          inv.emit(result, () => renderExport(result, inv.terminal));
          return ExitCode.ok;
        },
      ),
    );
}

function renderExport(result: ExportResult, terminal: TableTerminal): string {
  return [
    renderTable(
      ['what', 'rows', 'columns', 'file'],
      result.files.map((f) => [f.what, f.rows.toLocaleString('en'), f.columns, f.file]),
      terminal,
    ),
    `${result.format} in ${result.seconds} s`,
  ].join('\n');
}
