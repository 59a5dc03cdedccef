import type { TopLevelSpec } from 'vega-lite';
import { CONFIG, COLOURS, colourScale } from './charts.ts';

/** Vega-Lite specs of the tear sheet's per-stock charts: hit rates and signal weights. */

/** Each symbol's hit rate with its 95% interval, beside the share of its predictions that rose. */
export function symbolSpec(options: {
  symbols: readonly {
    symbol: string;
    hit_rate: number;
    low: number;
    high: number;
    up_rate: number;
    count: number;
  }[];
  hitLabel: string;
  upLabel: string;
}): TopLevelSpec {
  const series = [
    { label: options.hitLabel, colour: COLOURS.blue },
    { label: options.upLabel, colour: COLOURS.orange },
  ];
  const colour = { field: 'series', type: 'nominal', scale: colourScale(series) } as const;
  // The legend draws each series with the mark the chart uses: a dot, a triangle.
  const shape = {
    field: 'series',
    type: 'nominal',
    scale: { domain: [options.hitLabel, options.upLabel], range: ['circle', 'triangle-up'] },
  } as const;
  const order = [...options.symbols].sort((a, b) => b.hit_rate - a.hit_rate).map((s) => s.symbol);
  const y = {
    field: 'label',
    type: 'nominal',
    sort: order.map((s) => labelOf(options.symbols, s)),
    title: null,
    axis: { labelFontSize: 10 },
  } as const;
  const lows = options.symbols.flatMap((s) => [s.low, s.up_rate]);
  const highs = options.symbols.flatMap((s) => [s.high, s.up_rate]);
  const domain: [number, number] = [
    Math.max(0, Math.floor(Math.min(0.4, ...lows) * 10) / 10),
    Math.min(1, Math.ceil(Math.max(0.6, ...highs) * 10) / 10),
  ];
  const x = {
    field: 'value',
    type: 'quantitative',
    title: null,
    scale: { domain },
    axis: { format: '.0%', orient: 'top' },
  } as const;
  const rows = options.symbols.map((s) => ({ ...s, label: labelOf(options.symbols, s.symbol) }));
  return {
    width: 520,
    height: { step: 14 },
    config: CONFIG,
    layer: [
      {
        data: { values: [{ value: 0.5 }] },
        mark: { type: 'rule', color: '#999', strokeDash: [4, 3] },
        encoding: { x },
      },
      // The interval and the hit rate a little above the row's middle, the up-rate below:
      // a symbol whose hit rate equals its up-rate (always saying up) still shows both.
      {
        data: { values: rows.map((r) => ({ ...r, value: r.low, series: options.hitLabel })) },
        mark: { type: 'rule', strokeWidth: 1.5, yOffset: -2 },
        encoding: { y, x, x2: { field: 'high' }, color: colour },
      },
      {
        data: { values: rows.map((r) => ({ ...r, value: r.hit_rate, series: options.hitLabel })) },
        mark: { type: 'point', filled: true, size: 45, yOffset: -2, opacity: 1 },
        encoding: { y, x, color: colour, shape },
      },
      {
        data: { values: rows.map((r) => ({ ...r, value: r.up_rate, series: options.upLabel })) },
        mark: { type: 'point', filled: true, size: 40, yOffset: 4, opacity: 1 },
        encoding: { y, x, color: colour, shape },
      },
    ],
  } as TopLevelSpec;
}

function labelOf(symbols: readonly { symbol: string; count: number }[], symbol: string): string {
  const s = symbols.find((x) => x.symbol === symbol);
  return `${symbol} (${s?.count ?? 0})`;
}

/** Signal weights by symbol on a log colour scale centred on the default, 1. */
export function weightsSpec(options: {
  weights: readonly { symbol: string; signal: string; weight: number }[];
  floor: number;
  cap: number;
}): TopLevelSpec {
  return {
    width: { step: 34 },
    height: { step: 13 },
    config: { ...CONFIG, legend: { ...CONFIG.legend, orient: 'right', direction: 'vertical' } },
    data: { values: options.weights.map((w) => ({ ...w })) },
    mark: { type: 'rect', stroke: '#fff', strokeWidth: 0.5 },
    encoding: {
      x: {
        field: 'signal',
        type: 'nominal',
        title: null,
        axis: { orient: 'top', labelAngle: -40, labelFontSize: 10 },
      },
      y: { field: 'symbol', type: 'nominal', title: null, axis: { labelFontSize: 10 } },
      color: {
        field: 'weight',
        type: 'quantitative',
        title: 'weight',
        scale: {
          type: 'log',
          domain: [options.floor, options.cap],
          domainMid: 1,
          scheme: 'redblue',
          clamp: true,
        },
        legend: { values: [options.floor, 0.5, 1, 2, options.cap], format: '~g' },
      },
    },
  } as TopLevelSpec;
}
