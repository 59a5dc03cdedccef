/** Tiny inline-SVG charts for the self-contained HTML report (no scripts, no network). */

export interface Series {
  label: string;
  points: { x: number; y: number }[];
  color: string;
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const W = 640;
const H = 260;
const PAD = { left: 48, right: 12, top: 16, bottom: 28 };

function scale(
  values: number[],
  lo: number,
  hi: number,
  from: number,
  to: number,
): (v: number) => number {
  const min = Math.min(lo, ...values);
  const max = Math.max(hi, ...values);
  const span = max - min || 1;
  return (v) => from + ((v - min) / span) * (to - from);
}

function axes(
  yTicks: number[],
  y: (v: number) => number,
  format: (v: number) => string,
  xLabels: { at: number; text: string }[],
): string {
  const lines = yTicks.map(
    (t) =>
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" class="grid"/><text x="${PAD.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${esc(format(t))}</text>`,
  );
  const xs = xLabels.map(
    (l) => `<text x="${l.at.toFixed(1)}" y="${H - 8}" text-anchor="middle">${esc(l.text)}</text>`,
  );
  return [...lines, ...xs].join('');
}

/** A line chart; `xLabel(x)` names points along the axis. */
export function lineChart(
  title: string,
  series: Series[],
  options: {
    yFormat: (v: number) => string;
    xLabel: (x: number) => string;
    yFloor?: number;
    yCeil?: number;
    id: string;
  },
): string {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0)
    return `<figure><figcaption>${esc(title)}</figcaption><p class="empty">no data yet</p></figure>`;
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const x = scale(xs, Math.min(...xs), Math.max(...xs), PAD.left, W - PAD.right);
  const y = scale(
    ys,
    options.yFloor ?? Math.min(...ys),
    options.yCeil ?? Math.max(...ys),
    H - PAD.bottom,
    PAD.top,
  );
  const lo = Math.min(options.yFloor ?? Infinity, ...ys);
  const hi = Math.max(options.yCeil ?? -Infinity, ...ys);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => lo + f * (hi - lo));
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const labels = [0, 0.5, 1].map((f) => {
    const at = xMin + f * (xMax - xMin);
    return { at: x(at), text: options.xLabel(Math.round(at)) };
  });
  const paths = series
    .map(
      (s) =>
        `<path class="series" data-series="${esc(s.label)}" fill="none" stroke="${s.color}" stroke-width="1.6" d="${s.points
          .map((p, i) => `${i ? 'L' : 'M'}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`)
          .join('')}"/>`,
    )
    .join('');
  const legend = series
    .map(
      (s, i) =>
        `<text x="${PAD.left + 8 + i * 150}" y="${PAD.top}" fill="${s.color}">■ ${esc(s.label)}</text>`,
    )
    .join('');
  return `<figure id="${options.id}"><figcaption>${esc(title)}</figcaption><svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">${axes(ticks, y, options.yFormat, labels)}${paths}${legend}</svg></figure>`;
}

/** Horizontal bars, one per labelled value in [0, 1], with a reference line. */
export function barChart(
  title: string,
  bars: { label: string; value: number; note?: string }[],
  options: { reference?: number; id: string },
): string {
  if (bars.length === 0)
    return `<figure><figcaption>${esc(title)}</figcaption><p class="empty">no data yet</p></figure>`;
  const row = 18;
  const height = PAD.top + bars.length * row + PAD.bottom;
  const x = (v: number) => 120 + v * (W - 120 - PAD.right);
  const rects = bars
    .map(
      (b, i) =>
        `<text x="114" y="${PAD.top + i * row + 13}" text-anchor="end">${esc(b.label)}</text><rect class="bar" x="120" y="${PAD.top + i * row + 3}" width="${Math.max(0, x(b.value) - 120).toFixed(1)}" height="${row - 6}" fill="#4c78a8"><title>${esc(`${b.label}: ${(b.value * 100).toFixed(1)}%${b.note ? ` ${b.note}` : ''}`)}</title></rect>`,
    )
    .join('');
  const ref =
    options.reference === undefined
      ? ''
      : `<line x1="${x(options.reference).toFixed(1)}" x2="${x(options.reference).toFixed(1)}" y1="${PAD.top}" y2="${height - PAD.bottom}" class="ref"/><text x="${x(options.reference).toFixed(1)}" y="${height - 10}" text-anchor="middle">${(options.reference * 100).toFixed(0)}%</text>`;
  return `<figure id="${options.id}"><figcaption>${esc(title)}</figcaption><svg class="chart" viewBox="0 0 ${W} ${height}" role="img" aria-label="${esc(title)}">${rects}${ref}</svg></figure>`;
}

/** A scatter of predicted probability against realised frequency, with the diagonal. */
export function calibrationChart(
  title: string,
  points: { x: number; y: number; n: number }[],
  id: string,
): string {
  const x = (v: number) => PAD.left + v * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - v * (H - PAD.top - PAD.bottom);
  const dots = points
    .map(
      (p) =>
        `<circle class="point" cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="${Math.min(9, 2 + Math.sqrt(p.n) / 3).toFixed(1)}" fill="#e45756"><title>${p.n} predictions: said ${(p.x * 100).toFixed(0)}%, rose ${(p.y * 100).toFixed(0)}%</title></circle>`,
    )
    .join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return `<figure id="${id}"><figcaption>${esc(title)}</figcaption><svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">${axes(
    ticks,
    y,
    (v) => `${(v * 100).toFixed(0)}%`,
    ticks.map((t) => ({ at: x(t), text: `${(t * 100).toFixed(0)}%` })),
  )}<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" class="ref"/>${dots}</svg></figure>`;
}

/** A one-line text sparkline for terminals. */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return '';
  const blocks = '▁▂▃▄▅▆▇█';
  const min = Math.min(...values);
  const max = Math.max(...values);
  return values
    .map((v) => blocks[max === min ? 3 : Math.round(((v - min) / (max - min)) * 7)])
    .join('');
}

export { esc };
