import type { Report } from './document.ts';
import type { GroupFigures } from './accuracy.ts';
import { figures, type Figure } from './figures.ts';
import { renderSvg } from './render.ts';

import {
  baseRate,
  drawdownTable,
  esc,
  header,
  num,
  pct,
  sectorTable,
  strategyTable,
  yearlyTable,
} from './html-parts.ts';

export { esc } from './html-parts.ts';

async function renderFigure(figure: Figure): Promise<string> {
  const caption = `<figcaption>${esc(figure.title)}</figcaption>`;
  const note = figure.note ? `<p class="note">${esc(figure.note)}</p>` : '';
  if (!figure.spec)
    return `<figure id="${figure.id}">${caption}<p class="empty">No chart: ${esc(figure.empty ?? 'no data')}.</p></figure>`;
  const { svg } = await renderSvg(figure.spec);
  const series = esc(
    JSON.stringify(Object.fromEntries(figure.series.map((s) => [s.label, s.colour]))),
  );
  return `<figure id="${figure.id}" data-series="${series}">${caption}${svg}${note}</figure>`;
}

function hitTable(title: string, groups: readonly GroupFigures[]): string {
  if (groups.length === 0) return '';
  const rows = groups
    .map(
      (g) =>
        `<tr><td>${esc(g.key)}</td><td>${g.count}</td><td>${pct(g.hit_rate)}</td><td>${g.hit_rate_ci ? `${pct(g.hit_rate_ci.low)} – ${pct(g.hit_rate_ci.high)}` : '–'}</td></tr>`,
    )
    .join('');
  return `<h3>${esc(title)}</h3><table><thead><tr><th></th><th>n</th><th>hit rate</th><th>95% interval</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function groupTable(title: string, groups: readonly GroupFigures[]): string {
  if (groups.length === 0) return '';
  const rows = groups
    .map(
      (g) =>
        `<tr><td>${esc(g.key)}</td><td>${g.count}</td><td>${pct(g.hit_rate)}</td><td>${g.hit_rate_ci ? `${pct(g.hit_rate_ci.low)} – ${pct(g.hit_rate_ci.high)}` : '–'}</td><td>${num(g.mean_abs_error_pct)}</td><td>${pct(g.coverage)}</td><td>${num(g.brier, 4)}</td></tr>`,
    )
    .join('');
  return `<h3>${esc(title)}</h3><table><thead><tr><th></th><th>n</th><th>hit rate</th><th>95% interval</th><th>mean |error| (pts)</th><th>coverage</th><th>Brier</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function headline(report: Report): string {
  const o = report.overall;
  const t = report.totals;
  const ic = report.rank_ic;
  const alwaysUp = report.baselines.find((b) => b.key === 'always_up');
  const relative = report.relative;
  const direction = o
    ? `direction hit rate ${pct(o.hit_rate)} (95% ${pct(o.hit_rate_ci?.low)} – ${pct(o.hit_rate_ci?.high)}) against always-up’s ${pct(alwaysUp?.hit_rate)}`
    : '';
  const relativeViews = [
    relative
      ? `relative hit rate ${pct(relative.hit_rate)} (95% ${pct(relative.hit_rate_ci?.low)} – ${pct(relative.hit_rate_ci?.high)}, ${relative.count} predictions)`
      : '',
    ic.days
      ? `Rank IC ${num(ic.mean, 3)} (Newey–West t ${num(ic.t_stat, 1)}, IR ${num(ic.ir, 2)}, ${ic.days} sessions)`
      : '',
  ];
  // Without skill in the direction, the relative view leads and the direction comes last.
  const noSkill = report.direction_skill !== null && !report.direction_skill.direction_skill;
  const parts = [
    `${t.verified} verified of ${t.predictions} predictions (${t.unresolvable} unresolvable, ${t.pending} pending)`,
    ...(noSkill ? relativeViews : [direction, ...relativeViews]),
    o
      ? `interval coverage ${pct(o.coverage)} (target ${pct(report.interval_level, 0)}), Brier ${num(o.brier, 4)}`
      : '',
    noSkill ? `${direction} (the base rate, see below)` : '',
  ].filter(Boolean);
  return `<p class="summary">${parts.map(esc).join('; ')}.</p>`;
}

function smallSample(report: Report): string {
  if (report.rebalances === 0 || report.rebalances >= report.min_periods_for_annualised) return '';
  return `<p class="warn">Only ${report.rebalances} holding period${report.rebalances === 1 ? '' : 's'} in this window: Sharpe ratios and annualised returns are left out below ${report.min_periods_for_annualised} periods (half a year of weekly rebalances), where a few weeks of luck annualise into absurd figures. Widen the window (--all, --since) to see them.</p>`;
}

/** One self-contained HTML file: inline CSS and SVG, no scripts, nothing fetched. */
export async function renderHtml(
  report: Report,
  options: { command?: string } = {},
): Promise<string> {
  const charts = new Map<string, string>();
  for (const figure of figures(report)) charts.set(figure.id, await renderFigure(figure));
  const chart = (...ids: string[]) => ids.map((id) => charts.get(id) ?? '').join('\n');
  const symbolRows = report.symbols
    .map(
      (s) =>
        `<tr><td>${esc(s.symbol)}</td><td>${s.count}</td><td>${pct(s.hit_rate)}</td><td>${s.hit_rate_ci ? `${pct(s.hit_rate_ci.low)} – ${pct(s.hit_rate_ci.high)}` : '–'}</td><td>${pct(s.up_rate)}</td><td>${pct(s.relative_hit_rate)}</td><td>${pct(s.coverage)}</td><td>${num(s.brier, 4)}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mlx tear sheet</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 Helvetica,Arial,sans-serif;margin:2rem auto;max-width:980px;color:#222;padding:0 1rem}
h1{font-size:1.4rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2.2rem;border-bottom:1px solid #ddd}h3{font-size:1rem;margin:1.4rem 0 .3rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{padding:2px 10px;border-bottom:1px solid #eee;text-align:right}td:first-child,th:first-child{text-align:left}
table.strategies th,table.strategies td:first-child{white-space:nowrap}table.context th{text-align:left;font-weight:600;white-space:nowrap;vertical-align:top}table.context td{text-align:left}
details{display:inline}details[open]{display:block;font-size:.85rem;color:#555;max-width:760px}
figure{margin:1.6rem 0}figcaption{font-weight:600;margin-bottom:.4rem}
figure svg{display:block;max-width:100%;height:auto}
.note{color:#555;font-size:.9rem;margin:.3rem 0 0}.empty{color:#777}.warn{background:#fff6e0;border-left:3px solid #e0a400;padding:.4rem .7rem}
.summary{font-size:1.02rem}
</style></head><body>
<h1>mlx tear sheet</h1>
${header(report, options.command)}
${headline(report)}
${baseRate(report)}
${report.totals.verified === 0 && report.totals.verified_outside_window > 0 ? `<p class="warn">Nothing verified in this window, but ${report.totals.verified_outside_window} verified predictions lie outside it: mlx report --all.</p>` : ''}
${smallSample(report)}
<h2>Returns and risk</h2>
${report.rebalances ? strategyTable(report) : ''}
${chart('equity-curve', 'drawdown')}
${drawdownTable(report)}
${chart('monthly-returns', 'yearly-returns')}
${yearlyTable(report)}
${chart('rolling-sharpe', 'rolling-volatility')}
<h2>Portfolios by predictor</h2>
${chart('long-short', 'quintiles')}
<h2>Signal quality</h2>
${chart('rank-ic', 'ic-by-horizon')}
<h3>By sector</h3>
${sectorTable(report)}
${chart('ic-by-sector', 'long-short-by-sector', 'sector-exposure-top', 'sector-exposure-bottom')}
<h2>Direction, P(up) and intervals</h2>
${chart('rolling-hit-rate', 'coverage', 'calibration')}
<h2>By symbol</h2>
${chart('symbol-accuracy', 'weights')}
<details><summary>Per-symbol figures</summary><table><thead><tr><th>symbol</th><th>n</th><th>hit rate</th><th>95% interval</th><th>up-rate</th><th>relative</th><th>coverage</th><th>Brier</th></tr></thead><tbody>${symbolRows}</tbody></table></details>
<h2>Accuracy tables</h2>
${hitTable('By model (each component’s direction), and the naive baselines on the same predictions', [...report.models, ...report.baselines])}
${hitTable('By signal (right when its sign matched the move)', report.signals)}
${groupTable('By market regime', report.regimes)}
${groupTable('By confidence', report.confidence)}
</body></html>
`;
}
