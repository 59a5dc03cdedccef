import fs from 'node:fs';
import type { Command } from 'commander';
import { buildReport, type Report } from '../../commands/report.ts';
import { ExitCode } from '../../errors.ts';
import { requireSymbol } from '../../exchanges.ts';
import type { GroupFigures } from '../../report/accuracy.ts';
import { renderHtml } from '../../report/html.ts';
import { sparkline } from '../../report/svg.ts';
import { action } from '../runtime.ts';
import { formatNumber, formatPct, renderTable } from '../table.ts';

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'accuracy by symbol, signal, model, regime and confidence; calibration; weights; equity curve',
    )
    .option(
      '--since <when>',
      'predictions whose target date is on or after this: Nd or YYYY-MM-DD',
      '30d',
    )
    .option('--until <date>', 'and on or before this date')
    .option('--all', 'the whole ledger (overrides --since)', false)
    .option('--symbol <symbol>', 'one symbol, with the verified predictions that moved its weights')
    .option('--html <file>', 'also write a self-contained HTML report (charts, no network needed)')
    .addHelpText(
      'after',
      `
Every hit rate comes with its count and a 95% (Wilson) interval; the naive baselines are scored on
the same predictions.

Examples:
  mlx report
  mlx report --since 30d --json | jq '.symbols[] | select(.hit_rate < .5)'
  mlx report --symbol AAPL --all
  mlx report --all --html report.html`,
    )
    .action(
      action(
        async (
          inv,
          options: { since: string; until?: string; all: boolean; symbol?: string; html?: string },
        ) => {
          const symbol =
            options.symbol === undefined ? undefined : requireSymbol(options.symbol, '--symbol');
          const report = await buildReport(inv.ctx, {
            since: options.all ? undefined : options.since,
            until: options.until,
            symbol,
          });
          if (options.html) {
            fs.writeFileSync(options.html, renderHtml(report));
            inv.ctx.log.info(`HTML report written to ${options.html}`);
          }
          inv.emit(report, () => renderReport(report, inv.terminal.stdoutIsTTY));
          if (report.totals.verified === 0)
            inv.ctx.log.info(
              'nothing verified in this window yet: run mlx verify, or widen --since',
            );
          return ExitCode.ok;
        },
      ),
    );
}

function groups(title: string, list: readonly GroupFigures[], tty: boolean): string {
  if (list.length === 0) return '';
  return `${title}\n${renderTable(
    ['', 'n', 'hit rate', '95% interval', 'mean |err|', 'coverage', 'Brier'],
    list.map((g) => [
      g.key,
      g.count,
      formatPct(g.hit_rate),
      g.hit_rate_ci ? `${formatPct(g.hit_rate_ci.low)}–${formatPct(g.hit_rate_ci.high)}` : '–',
      formatNumber(g.mean_abs_error_pct, 2),
      formatPct(g.coverage),
      formatNumber(g.brier, 4),
    ]),
    tty,
  )}`;
}

function renderReport(report: Report, tty: boolean): string {
  const o = report.overall;
  const portfolio = Object.entries(report.portfolio).map(([name, p]) => [
    name,
    formatPct(p.annualised_return),
    formatNumber(p.sharpe, 2),
    formatPct(p.max_drawdown),
    p.periods,
    sparkline(p.curve.map((c) => c.equity)),
  ]);
  return [
    `${report.totals.verified} verified of ${report.totals.predictions} predictions (${report.totals.unresolvable} unresolvable, ${report.totals.pending} pending)` +
      (o
        ? `: hit rate ${formatPct(o.hit_rate)} (${formatPct(o.hit_rate_ci?.low)}–${formatPct(o.hit_rate_ci?.high)}), coverage ${formatPct(o.coverage)}`
        : ''),
    report.in_sample.predictions
      ? `${report.in_sample.predictions} in-sample prediction(s) (recorded with --allow-in-sample; not in any figure here): ` +
        `${report.in_sample.verified} verified${report.in_sample.overall ? `, hit rate ${formatPct(report.in_sample.overall.hit_rate)} — not evidence of skill` : ''}`
      : '',
    report.rolling_hit_rate.length
      ? `rolling hit rate ${sparkline(report.rolling_hit_rate.map((r) => r.hit_rate))}`
      : '',
    groups('by model', report.models, tty),
    groups('naive baselines (same predictions)', report.baselines, tty),
    groups('by signal', report.signals, tty),
    groups('by regime', report.regimes, tty),
    groups('by confidence', report.confidence, tty),
    groups('by symbol', report.symbols, tty),
    portfolio.length
      ? `long/short portfolio\n${renderTable(['by', 'ann. return', 'Sharpe', 'max DD', 'periods', 'equity'], portfolio, tty)}`
      : '',
    report.calibration.some((b) => b.count)
      ? `calibration\n${renderTable(
          ['P(up)', 'n', 'said', 'rose'],
          report.calibration
            .filter((b) => b.count)
            .map((b) => [
              `${formatPct(b.from, 0)}–${formatPct(b.to, 0)}`,
              b.count,
              formatPct(b.mean_predicted),
              formatPct(b.realised),
            ]),
          tty,
        )}`
      : '',
    report.drivers?.features.length
      ? `what drove ${report.window.symbol}'s last ${report.drivers.predictions} predictions (${report.drivers.from} → ${report.drivers.to}; XGBoost, mean |contribution|)\n${renderTable(
          ['feature', 'in top 5', 'mean |contribution|', 'pushed'],
          report.drivers.features
            .slice(0, 8)
            .map((d) => [
              d.feature,
              `${d.count}/${report.drivers?.predictions}`,
              d.mean_abs_contribution.toPrecision(3),
              d.mean_contribution >= 0 ? 'up' : 'down',
            ]),
          tty,
        )}`
      : '',
    report.weight_history.length
      ? `weight changes for ${report.window.symbol}\n${renderTable(
          ['prediction', 'signal', 'old', 'new', 'why'],
          report.weight_history.map((h) => [
            h.prediction_id.slice(0, 12),
            h.signal,
            h.previous.toFixed(3),
            h.current.toFixed(3),
            h.reason,
          ]),
          tty,
        )}`
      : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}
