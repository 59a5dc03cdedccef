import fs from 'node:fs';
import type { Command } from 'commander';
import type { Report } from '../../report/document.ts';
import { ExitCode, UsageError } from '../../errors.ts';
import {
  SYMBOL_SORT_FIELDS,
  type GroupFigures,
  type SymbolSortField,
} from '../../report/accuracy.ts';
import type { StrategyReport } from '../../report/portfolio.ts';
import { sparkline } from '../../report/sparkline.ts';
import { flag, parseBasisPoints, wholeNumber } from '../flags.ts';
import { action } from '../runtime.ts';
import { fitText, formatNumber, formatPct, renderTable, type TableTerminal } from '../table.ts';

const RECENT_DAYS = 30;

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'accuracy by symbol, signal, model, regime and confidence; portfolios against benchmarks; calibration; --html tear sheet',
    )
    .addOption(
      flag(
        'since',
        `predictions whose target date is on or after this (default: the ${RECENT_DAYS} days up to the newest verified target)`,
      ),
    )
    .addOption(flag('until', 'and on or before this date'))
    .option('--all', 'the whole ledger (overrides --since)', false)
    .addOption(flag('symbol', 'one symbol, with the verified predictions that moved its weights'))
    .option('--html <file>', 'also write a self-contained HTML tear sheet (charts, no network)')
    .option(
      '--cost-bps <n>',
      'charge the portfolios N basis points of every amount traded',
      parseBasisPoints,
      0,
    )
    .option(
      '--top <n>',
      'only the first N symbols (after --sort)',
      wholeNumber({ min: 1, max: 1_000_000, unit: 'records' }),
    )
    .option('--sort <field>', `order the symbols by: ${SYMBOL_SORT_FIELDS.join(', ')}`)
    .option('--ascending', 'lowest first (symbol is A→Z already)')
    .addHelpText(
      'after',
      `
Every hit rate comes with its count and a 95% (Wilson) interval; the naive baselines are scored on
the same predictions. The relative hit rate asks whether each stock beat the mean of the stocks
verified for its session, as its rank said. Portfolios rebalance every horizon-th session; Sharpe
ratios and annualised returns need at least 26 holding periods and are left out below that.

Without --since, the window is the ${RECENT_DAYS} days up to the newest verified target in the ledger (a
backtest's ledger ends in the past); an empty window says how many verified predictions lie
outside it.

Examples:
  mlx report
  mlx report --since 30d --json | jq '.symbols[] | select(.hit_rate < .5)'
  mlx report --all --sort hit_rate --top 10
  mlx report --symbol AAPL --all
  mlx report --all --cost-bps 10 --html tearsheet.html`,
    )
    .action(
      action(
        async (
          inv,
          options: {
            since?: string;
            until?: string;
            all: boolean;
            symbol?: string;
            html?: string;
            costBps: number;
            top?: number;
            sort?: string;
            ascending?: boolean;
          },
        ) => {
          const { buildReport } = await import('../../commands/report.ts');
          const report = await buildReport(inv.ctx, {
            since: options.all ? undefined : options.since,
            recentDays: options.all || options.since !== undefined ? undefined : RECENT_DAYS,
            until: options.until,
            symbol: options.symbol,
            costBps: options.costBps,
            sort: sortOption(options.sort),
            ascending: options.ascending,
            top: options.top,
          });
          if (options.html) {
            const { renderHtml } = await import('../../report/html.ts');
            // The page names the command that made it, as it was typed (bar the program's path).
            const command = ['mlx', ...process.argv.slice(2)].join(' ');
            fs.writeFileSync(options.html, await renderHtml(report, { command }));
            inv.ctx.log.info(`HTML tear sheet written to ${options.html}`);
          }
          inv.emit(report, () => fitText(renderReport(report, inv.terminal), inv.terminal.columns));
          const { verified, verified_outside_window: outside } = report.totals;
          if (verified === 0 && outside > 0)
            inv.ctx.log.info(
              `nothing verified in this window (targets ${report.window.since ?? 'from the start'} → ${report.window.until ?? 'the latest'}), ` +
                `but ${outside} verified prediction(s) lie outside it: mlx report --all`,
            );
          else if (verified === 0)
            inv.ctx.log.info('nothing verified yet: mlx verify scores predictions that are due');
          return ExitCode.ok;
        },
      ),
    );
}

function sortOption(raw: string | undefined): SymbolSortField | undefined {
  if (raw === undefined) return undefined;
  if ((SYMBOL_SORT_FIELDS as readonly string[]).includes(raw)) return raw as SymbolSortField;
  throw new UsageError(
    `--sort expects one of ${SYMBOL_SORT_FIELDS.join(', ')}, got "${raw.slice(0, 40)}"`,
  );
}

const interval = (g: GroupFigures) =>
  g.hit_rate_ci ? `${formatPct(g.hit_rate_ci.low)}–${formatPct(g.hit_rate_ci.high)}` : '–';

/** Hit rates only (components, baselines, signals share the ensemble's records). */
function hitTable(title: string, list: readonly GroupFigures[], terminal: TableTerminal): string {
  if (list.length === 0) return '';
  return `${title}\n${renderTable(
    ['', 'n', 'hit rate', '95% interval'],
    list.map((g) => [g.key, g.count, formatPct(g.hit_rate), interval(g)]),
    terminal,
  )}`;
}

function fullTable(title: string, list: readonly GroupFigures[], terminal: TableTerminal): string {
  if (list.length === 0) return '';
  return `${title}\n${renderTable(
    ['', 'n', 'hit rate', '95% interval', 'mean |err|', 'coverage', 'Brier'],
    list.map((g) => [
      g.key,
      g.count,
      formatPct(g.hit_rate),
      interval(g),
      formatNumber(g.mean_abs_error_pct, 2),
      formatPct(g.coverage),
      formatNumber(g.brier, 4),
    ]),
    terminal,
  )}`;
}

function portfolioTable(report: Report, terminal: TableTerminal): string {
  if (report.rebalances === 0) return '';
  const rows: [string, StrategyReport][] = [
    ...Object.entries(report.portfolio).map(
      ([name, p]) => [`${name} long/short`, p] as [string, StrategyReport],
    ),
    ['ensemble long top fifth', report.benchmarks.long_top],
    ['always up (long all)', report.benchmarks.always_up],
    ['universe buy-and-hold', report.benchmarks.buy_and_hold],
  ];
  const costs = report.cost_bps ? `net of ${report.cost_bps} bps a trade` : 'no costs: --cost-bps';
  const few =
    report.rebalances < report.min_periods_for_annualised
      ? `; ${report.rebalances} holding periods: Sharpe and annualised figures need ${report.min_periods_for_annualised}`
      : '';
  return `portfolios (${costs}${few})\n${renderTable(
    ['', 'total', 'ann.', 'Sharpe', 'max DD', 'turnover', 'periods', 'equity'],
    rows.map(([name, p]) => [
      name,
      formatPct(p.total_return),
      formatPct(p.annualised_return),
      formatNumber(p.sharpe, 2),
      formatPct(p.max_drawdown),
      formatPct(p.turnover, 0),
      p.periods,
      sparkline(
        p.curve.map((c) => c.equity),
        24,
      ),
    ]),
    terminal,
  )}`;
}

function summary(report: Report): string {
  const o = report.overall;
  const w = report.window;
  const t = report.totals;
  const always = report.baselines.find((b) => b.key === 'always_up');
  const window =
    w.basis === 'all'
      ? 'every target'
      : `targets ${w.since ?? 'from the start'} → ${w.until ?? 'the latest'}` +
        (w.basis === 'recent' ? ` (the ${RECENT_DAYS} days up to the newest verified; --all)` : '');
  const lines = [
    `${window}${w.symbol ? `, ${w.symbol} only` : ''}`,
    `${t.verified} verified of ${t.predictions} predictions (${t.unresolvable} unresolvable, ${t.pending} pending)` +
      (o
        ? `: hit rate ${formatPct(o.hit_rate)} (${interval(o)}) against always-up ${formatPct(always?.hit_rate)}`
        : ''),
  ];
  if (report.relative)
    lines.push(
      `relative hit rate ${formatPct(report.relative.hit_rate)} (${interval(report.relative)}): beat the session's universe as ranked`,
    );
  if (report.rank_ic.days)
    lines.push(
      `Rank IC ${formatNumber(report.rank_ic.mean, 3)} (Newey–West t ${formatNumber(report.rank_ic.t_stat, 1)}, ${report.rank_ic.days} sessions)` +
        (o
          ? `; interval coverage ${formatPct(o.coverage)} (target ${formatPct(report.interval_level, 0)})`
          : ''),
    );
  if (report.rolling_hit_rate.length)
    lines.push(`rolling hit rate ${sparkline(report.rolling_hit_rate.map((r) => r.hit_rate))}`);
  if (report.in_sample.predictions)
    lines.push(
      `${report.in_sample.predictions} in-sample prediction(s) (recorded with --allow-in-sample; not in any figure here): ` +
        `${report.in_sample.verified} verified${report.in_sample.overall ? `, hit rate ${formatPct(report.in_sample.overall.hit_rate)} — not evidence of skill` : ''}`,
    );
  return lines.join('\n');
}

function renderReport(report: Report, terminal: TableTerminal): string {
  const symbols = report.symbols;
  return [
    summary(report),
    portfolioTable(report, terminal),
    hitTable(
      'by model, and the naive baselines',
      [...report.models, ...report.baselines],
      terminal,
    ),
    hitTable('by signal', report.signals, terminal),
    fullTable('by regime', report.regimes, terminal),
    fullTable('by confidence', report.confidence, terminal),
    symbols.length
      ? `by symbol\n${renderTable(
          ['', 'n', 'hit rate', '95% interval', 'up-rate', 'relative', 'coverage', 'Brier'],
          symbols.map((s) => [
            s.symbol,
            s.count,
            formatPct(s.hit_rate),
            interval(s),
            formatPct(s.up_rate),
            formatPct(s.relative_hit_rate),
            formatPct(s.coverage),
            formatNumber(s.brier, 4),
          ]),
          terminal,
        )}`
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
          terminal,
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
          terminal,
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
          terminal,
        )}`
      : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}
