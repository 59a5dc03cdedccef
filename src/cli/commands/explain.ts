import type { Command } from 'commander';
import type { ExplainResult } from '../../commands/explain.ts';
import { ExitCode } from '../../errors.ts';
import { requireSymbol } from '../../exchanges.ts';
import { flag, modelOptions, wholeNumber } from '../flags.ts';
import { action } from '../runtime.ts';
import { formatNumber, renderTable, type TableTerminal } from '../table.ts';

export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description(
      "why a prediction: XGBoost's score taken apart feature by feature (exact TreeSHAP)",
    )
    .argument('<id-or-symbol>', 'a prediction id (or its first 6+ characters), or a symbol')
    .addOption(flag('asOf', "with a symbol: that session's prediction (default: its latest)"))
    .addOption(
      flag(
        'model',
        'with a symbol: the model that made the prediction, as given to mlx predict --model (default: config modelName)',
      ),
    )
    .option(
      '--inputs',
      'one line per XGBoost input (the standardised feature, its per-date rank) instead of per feature',
      false,
    )
    .option(
      '--top <n>',
      'show this many contributions (the JSON always has all)',
      wholeNumber({ min: 1, max: 1000, unit: 'lines' }),
      20,
    )
    .addHelpText(
      'after',
      `
The XGBoost component's score (its margin) is the bias plus the contribution of every feature:
by default a feature's contribution is its standardised input's plus its cross-sectional rank's,
and its value is in the stock's own units (RSI 72.3); --inputs shows each input as XGBoost saw it.
The LSTM and the rules are listed as components, with the head's weights and the stock's.

A symbol names its latest prediction by the model --model names (default: config modelName), or
the one of --as-of D. The examples explain what the offline examples of mlx predict --help
recorded with the model "past".

Examples:
  mlx explain AAPL --as-of 2020-03-02 --model past
  mlx explain "$(mlx predictions --symbol AAPL --json | jq -r '.[0].id')"     by id (or its first 6+ characters)
  mlx explain AAPL --model past --json | jq '.contributions[:5]'
  mlx explain AAPL --model past --inputs --json | jq '[.bias, (.contributions | map(.contribution) | add), .margin]'`,
    )
    .action(
      action(
        async (
          inv,
          target: string,
          options: { asOf?: string; model?: string; inputs: boolean; top: number },
        ) => {
          const { top } = options;
          const byId = /^[0-9a-f]{6,64}$/i.test(target) && options.asOf === undefined;
          const { explainPrediction } = await import('../../commands/explain.ts');
          const result = await explainPrediction(inv.ctx, {
            ...(byId
              ? { id: target }
              : {
                  symbol: requireSymbol(target),
                  asOf: options.asOf,
                  ...(options.model ? modelOptions(options.model) : {}),
                }),
            inputs: options.inputs,
          });
          inv.emit(result, () => renderExplanation(result, top, inv.terminal));
          return ExitCode.ok;
        },
      ),
    );
}

const signed = (value: number, digits: number) =>
  `${value >= 0 ? '+' : ''}${formatNumber(value, digits)}`;

function renderExplanation(result: ExplainResult, top: number, terminal: TableTerminal): string {
  const shown = result.contributions.slice(0, top);
  const rest = result.contributions.slice(top);
  const restSum = rest.reduce((sum, c) => sum + c.contribution, 0);
  return [
    `${result.symbol} as of ${result.as_of} → ${result.target_date}: ${signed(result.predicted_change_pct, 2)}%, P(up) ${formatNumber(result.probability_up, 2)}  ` +
      `(prediction ${result.prediction_id.slice(0, 12)}, model ${result.model.name}/${result.model.version})`,
    `components (ensemble: ${result.weighting})\n${renderTable(
      ['component', 'score', 'head weight', 'stock weight', 'detail'],
      result.components.map((c) => [
        c.name,
        c.score === null ? '–' : signed(c.score, 3),
        formatNumber(c.head_weight, 3),
        formatNumber(c.stock_weight, 3),
        c.signals
          ? c.signals
              .map((s) => `${s.name} ${signed(s.value, 2)} ×${formatNumber(s.weight, 2)}`)
              .join(', ') || 'no rule fired'
          : '',
      ]),
      terminal,
    )}`,
    `XGBoost: margin ${signed(result.margin, 6)} = bias ${signed(result.bias, 6)} + the contributions below` +
      (result.recorded_margin === null ? '' : ` (recorded ${signed(result.recorded_margin, 6)})`),
    renderTable(
      [result.by === 'input' ? 'input' : 'feature', 'value', 'contribution'],
      [
        ...shown.map((c) => [c.feature, formatValue(c.value), signed(c.contribution, 6)]),
        ...(rest.length ? [[`${rest.length} more`, '', signed(restSum, 6)]] : []),
      ],
      terminal,
    ),
  ].join('\n\n');
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude >= 1e6 || magnitude < 1e-3)
    ? value.toExponential(3)
    : Number(value.toPrecision(4)).toString();
}
