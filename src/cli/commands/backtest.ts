import type { Command } from 'commander';
import { Option } from 'commander';
import type { BacktestResult } from '../../commands/backtest.ts';
import { ExitCode } from '../../errors.ts';
import { flag, parseDate } from '../flags.ts';
import { action } from '../runtime.ts';
import { formatNumber, formatPct, renderTable, type TableTerminal } from '../table.ts';

export function registerBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description(
      'replay the monthly-train / daily-predict / weekly-verify loop over history, honestly',
    )
    .requiredOption('--from <date>', 'first session to predict', parseDate)
    .requiredOption('--to <date>', 'last session to predict', parseDate)
    .addOption(
      new Option('--retrain <every>', 'retrain on bars before each period')
        .choices(['monthly', 'quarterly'])
        .default('monthly'),
    )
    .addOption(
      new Option('--verify <every>', 'verify (and adapt weights) on this schedule')
        .choices(['weekly', 'daily'])
        .default('weekly'),
    )
    .option('--no-adapt', 'keep every signal weight at its default')
    .option('--compare', 'run adaptive and static weights on the same history, side by side', false)
    .addOption(
      flag(
        'symbols',
        'replay these symbols (default: the config universe, else every stored symbol)',
      ),
    )
    .option(
      '--out <dir>',
      'where the replay writes its models and ledgers (default: <home>/backtests/FROM_TO)',
    )
    .option('--force', 'replace the replay folder already there (an earlier or killed run)', false)
    .addHelpText(
      'after',
      `
The same code paths as the live loop: each retrain sees only bars before its date, each prediction
only bars up to its session, and verification runs with the clock at that session's close. The
replay has its own models and ledgers; the home's are untouched. Predictions whose horizon runs past
--to stay unverified.

Examples:
  mlx backtest --from 2019-10-01 --to 2019-12-31 --compare
  mlx backtest --from 2019-01-01 --to 2019-06-30 --retrain quarterly --no-adapt --json | jq '.arms.static.metrics.ensemble'`,
    )
    .action(
      action(
        async (
          inv,
          options: {
            from: string;
            to: string;
            retrain: 'monthly' | 'quarterly';
            verify: 'weekly' | 'daily';
            adapt: boolean;
            compare: boolean;
            symbols?: string[];
            out?: string;
            force: boolean;
          },
        ) => {
          const { backtest } = await import('../../commands/backtest.ts');
          let bar: ReturnType<typeof inv.ctx.progress> | null = null;
          const result = await backtest(inv.ctx, {
            from: options.from,
            to: options.to,
            retrain: options.retrain,
            verifyEvery: options.verify,
            adapt: options.adapt,
            compare: options.compare,
            symbols: options.symbols,
            out: options.out,
            force: options.force,
            onProgress: (done, total, session) => {
              if (!inv.terminal.stderrIsTTY || inv.ctx.log.level === 'quiet') {
                if (done % 20 === 0 || done === total)
                  inv.ctx.log.debug(`backtest: ${done}/${total} sessions (${session})`);
                return;
              }
              bar ??= inv.ctx.progress('sessions', total);
              bar.tick(1, session);
              if (done === total) bar.done();
            },
          });
          inv.emit(result, () => backtestTable(result, inv.terminal));
          inv.ctx.log.info(`backtest finished in ${result.seconds} s; replay in ${result.out}`);
          return ExitCode.ok;
        },
      ),
    );
}

function backtestTable(result: BacktestResult, terminal: TableTerminal): string {
  const rows: (string | number)[][] = [];
  const t = (v: number | null) => (v === null ? '' : ` (t ${v.toFixed(1)})`);
  for (const [arm, figures] of Object.entries(result.arms)) {
    for (const [name, m] of Object.entries(figures.metrics)) {
      const label = name === 'ensemble' ? `${arm} ensemble` : name;
      // Components and baselines are identical across arms: show them once.
      if (name !== 'ensemble' && arm !== Object.keys(result.arms)[0]) continue;
      rows.push([
        label,
        m.rows,
        formatPct(m.directional_accuracy),
        formatNumber(m.brier, 4),
        `${formatNumber(m.ic.mean, 3)}${t(m.ic.t_stat)}`,
        `${formatNumber(m.rank_ic.mean, 3)}${t(m.rank_ic.t_stat)}`,
        formatPct(m.long_short.annualised_return),
        formatNumber(m.long_short.sharpe, 2),
        formatPct(m.long_short.max_drawdown),
      ]);
    }
  }
  return [
    `backtest ${result.from} → ${result.to}: ${result.sessions} sessions, ${result.retrains.length} retrains`,
    renderTable(
      ['', 'n', 'hit rate', 'Brier', 'IC', 'Rank IC', 'L/S ann.', 'Sharpe', 'max DD'],
      rows,
      terminal,
    ),
    'always_up uses the realised up-rate as its probability (hindsight: the best constant); rules, xgb, lstm and momentum state no probability.',
    ...(result.verdict
      ? ['', 'adaptive − static, same predictions:', ...result.verdict.map((v) => `  ${v}`)]
      : []),
  ].join('\n');
}
