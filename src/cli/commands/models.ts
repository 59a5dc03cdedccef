import type { Command } from 'commander';
import { ExitCode } from '../../errors.ts';
import { action } from '../runtime.ts';
import type { FinalFit, FoldDiagnostics } from '../../registry/diagnostics.ts';
import { formatPct, formatNumber, renderTable, type TableTerminal } from '../table.ts';

export function registerModelsCommands(program: Command): void {
  const models = program
    .command('models')
    .description('the model registry: versions, metrics, promotion');

  models
    .command('ls')
    .description('every trained version; * marks the promoted one')
    .addHelpText(
      'after',
      `\nExamples:\n  mlx models ls\n  mlx models ls --json | jq '.[] | select(.current)'`,
    )
    .action(
      action(async (inv) => {
        const { listModels } = await import('../../commands/models.ts');
        const list = listModels(inv.ctx);
        if (list.length === 0) inv.ctx.log.info('no models yet: mlx train');
        inv.emit(list, () =>
          renderTable(
            ['', 'name', 'version', 'data until', 'symbols', 'models', 'h', 'dir. acc', 'Rank IC'],
            list.map((m) => [
              m.current ? '*' : '',
              m.name,
              m.version,
              m.data_until,
              m.symbols,
              m.models.join(',') || 'rules',
              m.horizon_days,
              formatPct(m.ensemble_directional_accuracy),
              formatNumber(m.ensemble_rank_ic, 3),
            ]),
            inv.terminal,
          ),
        );
        return ExitCode.ok;
      }),
    );

  models
    .command('show')
    .description('one version: manifest and walk-forward metrics (default: the promoted version)')
    .argument('[name]', 'model name', 'default')
    .argument('[version]', 'version (default: CURRENT)')
    .action(
      action(async (inv, name: string, version?: string) => {
        const { showModel } = await import('../../commands/models.ts');
        const detail = showModel(inv.ctx, name, version);
        inv.emit(detail, () =>
          [
            `${detail.name}/${detail.version}${detail.current ? ' (promoted)' : ''}  ${detail.dir}`,
            `created ${detail.manifest.created_at}, data ${detail.manifest.data_range.from} → ${detail.manifest.data_range.until}, ${detail.manifest.symbols.length} symbols`,
            `models ${detail.manifest.models.join(', ') || 'rules only'}, horizon ${detail.manifest.label.horizon_days} sessions, feature set ${detail.manifest.feature_set.id}, seed ${detail.manifest.seed}`,
            `libraries ${Object.entries(detail.manifest.libraries)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}`,
            detail.manifest.promotion
              ? `promotion: ${detail.manifest.promotion.decision} (${detail.manifest.promotion.reason})`
              : '',
            ...((detail.metrics as { verdicts?: string[] } | null)?.verdicts ?? []).map(
              (v) => `  ${v}`,
            ),
            finalFitLine(detail.final_fit),
            detail.folds.length
              ? `\nwalk-forward folds\n${foldTable(detail.folds, inv.terminal)}`
              : '',
          ]
            .filter(Boolean)
            .join('\n'),
        );
        return ExitCode.ok;
      }),
    );

  models
    .command('import')
    .description(
      'a new version from a booster trained outside mlx: like VERSION, its head refitted on its validation window',
    )
    .requiredOption(
      '--xgb <file>',
      "the booster (XGBoost's JSON model, e.g. save_model('xgb.json'))",
    )
    .requiredOption(
      '--like <version>',
      'the version it stands in for: VERSION, NAME/VERSION, or NAME (its promoted version)',
    )
    .option('--promote', 'make the new version the one predict uses', false)
    .addHelpText(
      'after',
      `
The booster must take the version's inputs, in order: its features standardised (features.parquet's
<feature>_scaled columns), then their per-date ranks (<feature>_cs_rank); the xgb_inputs metadata of
mlx export features lists them. A different count or names exits 2. The new version keeps the
version's scaler, LSTM and rules; calibration, ensemble weights and interval are refitted on its
validation window, and its figures are on that window only.

In the examples, cluster/xgb.json and xgb.json stand for boosters you trained on the export's rows.

Examples:
  mlx export features --out export/            the rows, with the xgb_inputs of the promoted version
  mlx models import --xgb cluster/xgb.json --like default
  mlx models import --xgb xgb.json --like default --promote --json | jq .version`,
    )
    .action(
      action(async (inv, options: { xgb: string; like: string; promote: boolean }) => {
        const { importModel } = await import('../../commands/models-import.ts');
        const result = await importModel(inv.ctx, {
          xgbFile: options.xgb,
          like: options.like,
          promote: options.promote,
        });
        const ensemble = result.metrics.ensemble;
        inv.emit(result, () =>
          [
            `${result.name}/${result.version}${result.promoted ? ' (promoted)' : ''}  ${result.dir}`,
            `like ${result.like.name}/${result.like.version}; ${result.note}`,
            ensemble
              ? `ensemble on that window: Rank IC ${formatNumber(ensemble.rank_ic?.mean, 3)}, directional accuracy ${formatPct(ensemble.directional_accuracy)}`
              : '',
          ]
            .filter(Boolean)
            .join('\n'),
        );
        return ExitCode.ok;
      }),
    );

  models
    .command('promote')
    .description('make a version the one predict uses')
    .argument('<name>', 'model name')
    .argument('<version>', 'version to promote')
    .action(
      action(async (inv, name: string, version: string) => {
        const { promoteModel } = await import('../../commands/models.ts');
        const result = await promoteModel(inv.ctx, name, version);
        inv.emit(result, () => `${name}: CURRENT ${result.previous ?? '(none)'} → ${version}`);
        return ExitCode.ok;
      }),
    );
}

function finalFitLine(fit: FinalFit | null): string {
  if (!fit) return '';
  const parts = [
    fit.xgb?.members
      ? `XGBoost ${fit.xgb.members.length} boosters averaged, best iterations ${fit.xgb.members.join(', ')}`
      : fit.xgb
        ? `XGBoost best iteration ${fit.xgb.best_iteration} of ${fit.xgb.rounds_run} rounds`
        : '',
    fit.lstm ? `LSTM ${fit.lstm.epochs_run} epochs on ${fit.lstm.samples} samples` : '',
  ].filter(Boolean);
  return `final fit: ${parts.join('; ')}`;
}

/** One line per walk-forward fold: what each model ran and how the fold's test rows scored. */
function foldTable(folds: readonly FoldDiagnostics[], terminal: TableTerminal): string {
  const weights = (f: FoldDiagnostics) =>
    f.ensemble
      ? Object.entries(f.ensemble.weights)
          .map(([name, w]) => `${name} ${w.toFixed(2)}`)
          .join(', ')
      : '–';
  return renderTable(
    [
      'fold',
      'test sessions',
      'xgb best/run',
      'lstm epochs',
      'lstm samples',
      'Rank IC',
      'dir. acc',
      'coverage',
      'ensemble weights',
    ],
    folds.map((f) => [
      f.index,
      `${f.test.from} → ${f.test.to}`,
      f.xgb ? `${f.xgb.best_iteration}/${f.xgb.rounds_run}` : '–',
      f.lstm ? f.lstm.epochs_run : '–',
      f.lstm ? f.lstm.samples : '–',
      formatNumber(f.ensemble_rank_ic, 3),
      formatPct(f.ensemble_directional_accuracy),
      formatPct(f.coverage),
      weights(f),
    ]),
    terminal,
  );
}
