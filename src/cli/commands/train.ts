import type { Command } from 'commander';
import { Option } from 'commander';
import { ExitCode, UsageError } from '../../errors.ts';
import type { Metrics } from '../../evaluation/metrics.ts';
import type { ModelKind } from '../../training/fit.ts';
import {
  flag,
  OLD_SPELLINGS,
  parseHorizon,
  parseJobs,
  parseSeed,
  splitModelRef,
} from '../flags.ts';
import { action } from '../runtime.ts';
import { formatNumber, formatPct, renderTable, type TableTerminal } from '../table.ts';

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description(
      'build features and labels, train XGBoost and the LSTM, evaluate walk-forward against baselines, write a new model version',
    )
    .addOption(
      flag(
        'symbols',
        'train on these (default: --universe, the config universe, else every stored symbol)',
      ),
    )
    .addOption(flag('universe', 'the symbols in a file'))
    .addOption(flag('until', 'train on bars up to this date (default: the last stored bar)'))
    .option(
      '--horizon <sessions>',
      'label horizon in trading sessions (default: config horizonDays, 5)',
      parseHorizon,
    )
    .option(
      '--models <list>',
      'xgb,lstm (default: config models); naming xgb makes a missing libxgboost an error',
    )
    .addOption(
      flag(
        'model',
        'the model to add the new version to (default: config modelName); a NAME only: train makes the version',
      ),
    )
    .addOption(OLD_SPELLINGS.name())
    .option('--seed <n>', 'seed for every random choice (default: config seed, 42)', parseSeed)
    .option(
      '--jobs <n>',
      'threads fitting at once: walk-forward folds side by side with the final fit (default: one per core)',
      parseJobs,
    )
    .option(
      '--per-symbol',
      'one model per symbol instead of one pooled model across the universe',
      false,
    )
    .addOption(
      new Option(
        '--promote <when>',
        'auto: promote when no worse than the current version; always; never',
      )
        .choices(['auto', 'always', 'never'])
        .default('auto'),
    )
    .addHelpText(
      'after',
      `
Walk-forward: expanding window, test folds of 63 sessions (config train.folds, default 10)
before --until, purged by the horizon, early stopping and calibration on a validation slice
carved from training rows, scalers fitted on training rows only. Every figure is printed next
to the naive baselines (zero change, always up, yesterday's direction, the rules alone).
Folds are independent fits: they run on worker threads side by side with the final fit,
one per core (--jobs); the figures are the same whatever the number of threads.

Examples:
  mlx train
  mlx train --until 2019-12-31 --json | jq '.metrics.ensemble'
  mlx train --models lstm --symbols AAPL,MSFT,KO --promote never
  mlx train --jobs 1                          one fold after another (same figures, slower)`,
    )
    .action(
      action(
        async (
          inv,
          options: {
            symbols?: string[];
            universe?: string;
            until?: string;
            horizon?: number;
            models?: string;
            model?: string;
            name?: string;
            seed?: number;
            promote: 'auto' | 'always' | 'never';
            perSymbol: boolean;
            jobs?: number;
          },
        ) => {
          const models = options.models?.split(',').map((m) => m.trim()) as ModelKind[] | undefined;
          for (const model of models ?? []) {
            if (model !== 'xgb' && model !== 'lstm')
              throw new UsageError(
                `--models: unknown model "${model}"`,
                'use xgb, lstm or xgb,lstm',
              );
          }
          const model = splitModelRef(options.model ?? options.name ?? '');
          if (model.version !== undefined)
            throw new UsageError(
              `--model ${options.model}: train makes a new version of a model; name the model only`,
              `mlx train --model ${model.name}`,
            );
          const progress = inv.terminal.stderrIsTTY && inv.ctx.log.level !== 'quiet';
          let bar: ReturnType<typeof inv.ctx.progress> | null = null;
          const { train } = await import('../../commands/train.ts');
          const result = await train(inv.ctx, {
            symbols: options.symbols,
            universeFile: options.universe,
            until: options.until,
            horizonDays: options.horizon,
            models,
            ...(model.name ? { name: model.name } : {}),
            seed: options.seed,
            promote: options.promote,
            perSymbol: options.perSymbol,
            ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
            onFoldFitted: (test, done, of) => {
              if (!progress) return;
              bar ??= inv.ctx.progress('walk-forward folds', of);
              bar.tick(1, `test ${test.from} → ${test.to}`);
              if (done === of) bar.done();
            },
            onEvent: (event) => {
              if (event.kind === 'lstm-epoch') {
                inv.ctx.log.debug(
                  `  lstm epoch ${event.epoch}/${event.epochs}: loss ${event.loss.toFixed(4)}, validation ${event.valLoss?.toFixed(4) ?? '–'}`,
                );
              }
            },
          });
          const summary = {
            name: result.name,
            version: result.version,
            dir: result.dir,
            promoted: result.promoted,
            promotion_reason: result.promotion_reason,
            symbols: result.symbols,
            data_range: result.data_range,
            training_rows: result.training_rows,
            models: result.models,
            metrics: result.walk_forward.metrics,
            folds: result.walk_forward.folds.length,
            verdicts: result.verdicts,
            warnings: result.warnings,
            seconds: result.seconds,
          };
          inv.emit(summary, () =>
            [
              `model ${result.name}/${result.version} → ${result.dir}`,
              `walk-forward over ${result.walk_forward.folds.length} folds (${result.walk_forward.folds[0]?.test.from} → ${result.walk_forward.folds.at(-1)?.test.to}), out-of-sample:`,
              metricsTable(result.walk_forward.metrics, inv.terminal),
              ...result.verdicts.map((v) => `  ${v}`),
              `${result.promoted ? 'promoted' : 'not promoted'}: ${result.promotion_reason}`,
            ].join('\n'),
          );
          inv.ctx.log.info(`trained in ${result.seconds} s`);
          return ExitCode.ok;
        },
      ),
    );
}

/** One row per model and baseline, in the order train scored them (ensemble first). */
export function metricsTable(
  metrics: Partial<Record<string, Metrics>>,
  terminal: TableTerminal,
): string {
  const t = (value: number | null) => (value === null ? '' : ` (t ${value.toFixed(1)})`);
  return renderTable(
    [
      'model',
      'dir. acc',
      'Brier',
      'cover 80%',
      'IC',
      'ICIR',
      'Rank IC',
      'Rank ICIR',
      'L/S ann.',
      'Sharpe',
      'max DD',
    ],
    Object.entries(metrics)
      .filter((entry): entry is [string, Metrics] => entry[1] !== undefined)
      .map(([name, m]) => [
        name,
        formatPct(m.directional_accuracy),
        formatNumber(m.brier, 4),
        formatPct(m.interval_coverage),
        `${formatNumber(m.ic.mean, 3)}${t(m.ic.t_stat)}`,
        formatNumber(m.ic.ir, 3),
        `${formatNumber(m.rank_ic.mean, 3)}${t(m.rank_ic.t_stat)}`,
        formatNumber(m.rank_ic.ir, 3),
        formatPct(m.long_short.annualised_return),
        formatNumber(m.long_short.sharpe, 2),
        formatPct(m.long_short.max_drawdown),
      ]),
    terminal,
  );
}
