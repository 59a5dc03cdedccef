import type { Command } from 'commander';
import { ExitCode } from '../../errors.ts';
import { OLD_SPELLINGS, parseSeed, wholeNumber } from '../flags.ts';
import { action } from '../runtime.ts';
import { metricsTable } from './train.ts';
import { formatPct } from '../table.ts';

const demoCount = wholeNumber({ min: 5, max: 500 });

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'the whole loop offline on the seeded synthetic market, in about a minute (58 s measured on two cores)',
    )
    .option('--count <n>', 'how many synthetic symbols (as data fetch --count)', demoCount, 20)
    .addOption(OLD_SPELLINGS.symbolCount(demoCount))
    .option('--seed <n>', 'seed of the synthetic market', parseSeed, 7)
    .addHelpText(
      'after',
      `
Runs in a fresh temporary folder unless --home is given: generates a labelled synthetic market,
trains XGBoost and the LSTM with walk-forward evaluation, predicts the last 60 sessions one by one,
verifies them weekly (adapting weights), and writes a text and an HTML report. No network needed.

Examples:
  mlx demo
  mlx demo --count 6 --home ./demo-home --json | jq .report`,
    )
    .action(
      action(async (inv, options: { count: number; symbols?: number; seed: number }) => {
        const { seed } = options;
        const symbols = options.symbols ?? options.count;
        const explicitHome =
          program.opts().home !== undefined || process.env.MLX_HOME !== undefined;
        const { demo } = await import('../../commands/demo.ts');
        const result = await demo(inv.ctx, {
          home: explicitHome ? inv.ctx.home.root : undefined,
          symbols,
          seed,
          // npx sets npm_command=exec: suggest commands the user can paste as they ran this one.
          command: process.env.npm_command === 'exec' ? 'npx mlx' : 'mlx',
        });
        inv.emit(result, () => {
          const o = result.report.overall;
          const alwaysUp = result.report.baselines.find((b) => b.key === 'always_up');
          return [
            `mlx demo — SYNTHETIC market (${result.symbols} symbols), finished in ${result.seconds} s`,
            `home: ${result.home}`,
            '',
            `walk-forward evaluation of model ${result.train.version} (out-of-sample):`,
            metricsTable(result.train.metrics, inv.terminal),
            ...result.train.verdicts.map((v) => `  ${v}`),
            '',
            `${result.predictions} predictions over the last 60 sessions; ${result.verified} verified` +
              (o
                ? `: hit rate ${formatPct(o.hit_rate)} (95% ${formatPct(o.hit_rate_ci?.low)}–${formatPct(o.hit_rate_ci?.high)}), interval coverage ${formatPct(o.coverage)}`
                : ''),
            alwaysUp
              ? `  always-up on the same predictions: ${formatPct(alwaysUp.hit_rate)} — the bar any hit rate above has to clear`
              : '',
            `HTML report: ${result.html}`,
            '',
            'look further:',
            ...result.next.map((n) => `  ${n}`),
          ].join('\n');
        });
        return ExitCode.ok;
      }),
    );
}
