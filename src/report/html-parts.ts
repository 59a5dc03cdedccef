import type { Report } from './document.ts';
import type { StrategyReport } from './portfolio.ts';

/** The tear sheet's header and tables as HTML (pure). */

export const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export const pct = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(digits)}%`;
export const num = (v: number | null | undefined, digits = 2) =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);

/** What the page covers: model and versions, universe, dates, horizon, costs, the command. */
export function header(report: Report, command: string | undefined): string {
  const c = report.context;
  const w = report.window;
  const models = c.models.length
    ? c.models
        .map((m) =>
          m.versions.length === 1
            ? `${esc(m.name)} ${esc(m.versions[0])}`
            : `${esc(m.name)}: ${m.versions.length} versions (retrains), ${esc(m.versions[0])} … ${esc(m.versions[m.versions.length - 1])} <details><summary>all</summary>${m.versions.map(esc).join(', ')}</details>`,
        )
        .join('<br>')
    : '–';
  const range = (r: { first: string; last: string } | null) =>
    r ? `${esc(r.first)} → ${esc(r.last)}` : '–';
  const window =
    w.basis === 'all'
      ? 'every target in the ledger (--all)'
      : `targets ${esc(w.since ?? 'from the start')} → ${esc(w.until ?? 'the latest')}${w.basis === 'recent' ? ' (the 30 days up to the newest verified target; --all for everything)' : ''}`;
  const rows: [string, string][] = [
    ['model', models],
    [
      'universe',
      `${c.universe} stock${c.universe === 1 ? '' : 's'}${w.symbol ? ` (${esc(w.symbol)} only)` : ''}`,
    ],
    ['window', window],
    ['as of (first → last)', range(c.as_of)],
    ['target dates (first → last)', range(c.target)],
    ['horizon', `${report.horizon_days} sessions`],
    [
      'costs assumed',
      report.cost_bps > 0
        ? `${report.cost_bps} bps of every amount traded, every strategy and the benchmark`
        : 'none (mlx report --cost-bps N charges N basis points)',
    ],
    ['made by', command ? `<code>${esc(command)}</code>` : '–'],
    ['generated', esc(report.generated_at)],
  ];
  return `<table class="context" id="context"><tbody>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

/** The strategies side by side, with each annualised figure under the small-sample rule. */
export function strategyTable(report: Report): string {
  const columns: [string, StrategyReport | undefined][] = [
    ['ensemble long/short', report.portfolio.ensemble],
    ['ensemble long top fifth', report.benchmarks.long_top],
    ['always up', report.benchmarks.always_up],
    ['universe buy-and-hold', report.benchmarks.buy_and_hold],
  ];
  const row = (label: string, cell: (s: StrategyReport) => string) =>
    `<tr><td>${label}</td>${columns.map(([, s]) => `<td>${s ? cell(s) : '–'}</td>`).join('')}</tr>`;
  const disagree = columns.filter(
    ([, s]) =>
      s?.sharpe !== null &&
      s?.sharpe !== undefined &&
      s.annualised_return !== null &&
      Math.sign(s.sharpe) !== Math.sign(s.annualised_return) &&
      s.annualised_return !== 0,
  );
  const note = disagree.length
    ? `<p class="note" id="sign-note">${disagree.map(([name]) => esc(name)).join(', ')}: Sharpe and the annualised return disagree in sign. Sharpe (and Sortino) average the period returns (arithmetic); the annualised return compounds them, and volatility drags a compounded return below the mean: a mean gain can compound into a loss.</p>`
    : '';
  return `<table class="strategies" id="strategies"><thead><tr><th></th>${columns.map(([name]) => `<th>${esc(name)}</th>`).join('')}</tr></thead><tbody>
${row('total return', (s) => pct(s.total_return))}
${row('annualised return (compounded)', (s) => pct(s.annualised_return))}
${row('volatility (annualised)', (s) => pct(s.volatility))}
${row('Sharpe (annualised, arithmetic)', (s) => num(s.sharpe))}
${row('Sortino (annualised)', (s) => num(s.sortino))}
${row('Calmar (ann. return ÷ max drawdown)', (s) => num(s.calmar))}
${row('max drawdown', (s) => pct(s.max_drawdown))}
${row('turnover a rebalance', (s) => pct(s.turnover, 1))}
${row('holding periods', (s) => String(s.periods))}
</tbody></table>
<p class="note">Turnover is the share of the book traded at a rebalance against the weights held (drifted by the last period’s returns), the same for every column: always-up trades back to equal weights, buy-and-hold trades only to build its book. Costs are charged the same way to every column.</p>${note}`;
}

export function drawdownTable(report: Report): string {
  const list = report.returns.drawdowns;
  if (list.length === 0)
    return '<p class="empty" id="drawdowns">No drawdown of the ensemble long/short yet.</p>';
  const rows = list
    .map(
      (d, i) =>
        `<tr><td>${i + 1}</td><td>${pct(-d.depth).replace('-', '−')}</td><td>${esc(d.start)}</td><td>${esc(d.trough)}</td><td>${d.recovery ? esc(d.recovery) : 'not yet'}</td><td>${d.days}</td></tr>`,
    )
    .join('');
  return `<h3>Worst drawdowns of the ensemble long/short</h3><table id="drawdowns"><thead><tr><th></th><th>depth</th><th>start (the high)</th><th>trough</th><th>recovery</th><th>length (days)</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function yearlyTable(report: Report): string {
  if (report.returns.yearly.length === 0) return '';
  const rows = report.returns.yearly
    .map(
      (y) =>
        `<tr><td>${esc(y.year)}</td><td>${pct(y.ensemble)}</td><td>${pct(y.always_up)}</td><td>${pct(y.benchmark)}</td><td>${y.ensemble !== null && y.benchmark !== null ? pct(y.ensemble - y.benchmark) : '–'}</td></tr>`,
    )
    .join('');
  return `<table id="yearly"><thead><tr><th>year</th><th>ensemble long/short</th><th>always up</th><th>buy-and-hold (benchmark)</th><th>long/short − benchmark</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function sectorTable(report: Report): string {
  const sectors = report.sectors;
  if (!sectors)
    return '<p class="empty" id="sectors">No sector data in this home: no stock’s sector is stored. <code>mlx data import constituents.csv</code> (a Symbol,Name,Sector file) adds them.</p>';
  const rows = sectors.sectors
    .map(
      (s) =>
        `<tr><td>${esc(s.sector)}</td><td>${s.symbols}</td><td>${s.predictions}</td><td>${num(s.rank_ic, 3)}</td><td>${s.sessions}</td><td>${pct(s.long_short_total)}</td></tr>`,
    )
    .join('');
  return `<table id="sectors"><thead><tr><th>sector</th><th>stocks</th><th>verified</th><th>Rank IC within</th><th>sessions</th><th>long/short within</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Where the direction has no skill over always-up: say it first, and point at the relative view. */
export function baseRate(report: Report): string {
  const d = report.direction_skill;
  if (!d || d.direction_skill) return '';
  return `<p class="warn" id="base-rate"><strong>Direction is the base rate.</strong> The ensemble said “up” for ${pct(d.said_up)} of ${d.count} verified predictions and was right on ${pct(d.hit_rate)}; always saying “up” is right on ${pct(d.always_up)} of the same predictions${d.said_up >= 0.99 ? ': saying “up” nearly every time, its hits are always-up’s' : ', and the hit rate’s 95% interval does not clear it'}. P(up) scores a Brier of ${num(d.brier, 4)} against ${num(d.base_rate_brier, 4)} for stating the share that rose every time${d.probability_skill ? '' : ': it carries no more than that share'}. Read the relative view instead: rank, expected excess and P(outperform), judged below by the relative hit rate and the Rank IC.</p>`;
}
