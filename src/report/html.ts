import type { Report } from '../commands/report.ts';
import type { GroupFigures } from './accuracy.ts';
import { barChart, calibrationChart, esc, lineChart } from './svg.ts';

const pct = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined ? '–' : `${(v * 100).toFixed(digits)}%`;
const COLORS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#b279a2'];

function table(title: string, groups: readonly GroupFigures[]): string {
  if (groups.length === 0) return '';
  const rows = groups
    .map(
      (g) =>
        `<tr><td>${esc(g.key)}</td><td>${g.count}</td><td>${pct(g.hit_rate)}</td><td>${g.hit_rate_ci ? `${pct(g.hit_rate_ci.low)} – ${pct(g.hit_rate_ci.high)}` : '–'}</td><td>${g.mean_abs_error_pct === null ? '–' : g.mean_abs_error_pct.toFixed(2)}</td><td>${pct(g.coverage)}</td><td>${g.brier === null ? '–' : g.brier.toFixed(4)}</td></tr>`,
    )
    .join('');
  return `<section><h2>${esc(title)}</h2><table><thead><tr><th></th><th>n</th><th>hit rate</th><th>95% interval</th><th>mean |error| (pts)</th><th>coverage</th><th>Brier</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** One self-contained HTML file: inline CSS and SVG, no scripts, nothing fetched. */
export function renderHtml(report: Report): string {
  const dates = [
    ...new Set(Object.values(report.portfolio).flatMap((p) => p.curve.map((c) => c.date))),
  ].sort();
  const dateIndex = new Map(dates.map((d, i) => [d, i]));
  const equity = lineChart(
    'Equity curve: long top / short bottom quintile by predicted change (no costs)',
    Object.entries(report.portfolio).map(([name, p], i) => ({
      label: `${name} (Sharpe ${p.sharpe === null ? '–' : p.sharpe.toFixed(2)})`,
      color: COLORS[i % COLORS.length],
      points: p.curve.map((c) => ({ x: dateIndex.get(c.date) as number, y: c.equity })),
    })),
    { id: 'equity-curve', yFormat: (v) => v.toFixed(2), xLabel: (x) => dates[x] ?? '' },
  );
  const rollingDates = report.rolling_hit_rate.map((r) => r.date);
  const rolling = lineChart(
    'Rolling hit rate (20 sessions)',
    [
      {
        label: 'ensemble',
        color: COLORS[0],
        points: report.rolling_hit_rate.map((r, i) => ({ x: i, y: r.hit_rate })),
      },
    ],
    {
      id: 'rolling-hit-rate',
      yFormat: (v) => pct(v, 0),
      xLabel: (x) => rollingDates[x] ?? '',
      yFloor: 0.3,
      yCeil: 0.7,
    },
  );
  const calibration = calibrationChart(
    'Calibration: predicted P(up) against how often the price rose',
    report.calibration
      .filter((b) => b.count > 0)
      .map((b) => ({ x: b.mean_predicted as number, y: b.realised as number, n: b.count })),
    'calibration',
  );
  const perSymbol = barChart(
    'Hit rate by symbol',
    report.symbols.map((s) => ({
      label: s.symbol,
      value: s.hit_rate ?? 0,
      note: `(n=${s.count})`,
    })),
    { id: 'symbol-accuracy', reference: 0.5 },
  );
  const weights = report.weights.length
    ? `<section><h2>Weights against their defaults</h2><table><thead><tr><th>symbol</th><th>signal</th><th>weight</th><th>default</th></tr></thead><tbody>${report.weights
        .map(
          (w) =>
            `<tr><td>${esc(w.symbol)}</td><td>${esc(w.signal)}</td><td>${w.weight.toFixed(3)}</td><td>${w.default}</td></tr>`,
        )
        .join('')}</tbody></table></section>`
    : '';
  const o = report.overall;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mlx report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem auto;max-width:1000px;color:#222;padding:0 1rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}
figure{margin:1.5rem 0}figcaption{font-weight:600;margin-bottom:.3rem}
svg.chart{width:100%;height:auto;background:#fafafa;border:1px solid #eee}
svg text{font-size:11px;fill:#555}.grid{stroke:#e6e6e6}.ref{stroke:#999;stroke-dasharray:4 3}
.summary{font-size:1.05rem}.empty{color:#888}
</style></head><body>
<h1>mlx report</h1>
<p>Generated ${esc(report.generated_at)}; targets ${esc(report.window.since ?? 'from the start')} → ${esc(report.window.until ?? 'now')}${report.window.symbol ? `, ${esc(report.window.symbol)} only` : ''}.</p>
<p class="summary">${report.totals.verified} verified of ${report.totals.predictions} predictions (${report.totals.unresolvable} unresolvable, ${report.totals.pending} pending).
${o ? `Hit rate ${pct(o.hit_rate)} (95% ${pct(o.hit_rate_ci?.low)} – ${pct(o.hit_rate_ci?.high)}), mean |error| ${o.mean_abs_error_pct?.toFixed(2)} pts, interval coverage ${pct(o.coverage)}, Brier ${o.brier?.toFixed(4)}.` : 'Nothing verified yet.'}</p>
${equity}
${rolling}
${calibration}
${perSymbol}
${table('By model (and the naive baselines below)', report.models)}
${table('Naive baselines on the same predictions', report.baselines)}
${table('By signal', report.signals)}
${table('By market regime', report.regimes)}
${table('By confidence', report.confidence)}
${table('By symbol', report.symbols)}
${weights}
</body></html>
`;
}
