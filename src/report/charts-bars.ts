import type { TopLevelSpec } from 'vega-lite';
import { CONFIG, COLOURS, WIDTH, colourScale } from './charts.ts';

/** Vega-Lite specs for the tear sheet's bars, heatmap and shares (pure: data in, spec out). */

/** Eleven distinguishable colours, one per GICS sector in alphabetical order. */
export const SECTOR_COLOURS = [
  '#4c78a8',
  '#f58518',
  '#54a24b',
  '#e45756',
  '#72b7b2',
  '#b279a2',
  '#9d755d',
  '#d6a805',
  '#ff9da6',
  '#79706e',
  '#2f4b7c',
  '#bab0ac',
];

/** Monthly returns as a year × month grid, coloured around zero, each cell labelled. */
export function heatmapSpec(options: {
  cells: readonly { year: string; month: string; value: number }[];
}): TopLevelSpec {
  const limit = Math.max(0.01, ...options.cells.map((c) => Math.abs(c.value)));
  const encoding = {
    x: {
      field: 'month',
      type: 'ordinal',
      title: null,
      sort: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
      axis: { orient: 'top', labelAngle: 0 },
    },
    y: { field: 'year', type: 'ordinal', title: null },
  } as const;
  return {
    width: { step: 52 },
    height: { step: 24 },
    config: { ...CONFIG, legend: { ...CONFIG.legend, orient: 'right', direction: 'vertical' } },
    data: { values: options.cells.map((c) => ({ ...c })) },
    layer: [
      {
        mark: { type: 'rect', stroke: '#fff', strokeWidth: 1 },
        encoding: {
          ...encoding,
          color: {
            field: 'value',
            type: 'quantitative',
            title: 'return',
            scale: { scheme: 'redblue', domain: [-limit, limit], domainMid: 0 },
            legend: { format: '.0%' },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          ...encoding,
          text: { field: 'value', type: 'quantitative', format: '.1%' },
          color: {
            condition: { test: `abs(datum.value) > ${limit * 0.6}`, value: '#fff' },
            value: '#222',
          },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Bars by category, one bar per series side by side; a zero rule. */
export function groupedBarSpec(options: {
  rows: readonly { category: string; series: string; value: number }[];
  series: readonly { label: string; colour: string }[];
  yTitle: string;
  yFormat: string;
  categoryTitle?: string | null;
}): TopLevelSpec {
  const categories = [...new Set(options.rows.map((r) => r.category))];
  const step = Math.max(
    14,
    Math.floor(WIDTH / Math.max(1, categories.length * options.series.length + categories.length)),
  );
  return {
    width: { step },
    height: 200,
    config: CONFIG,
    layer: [
      {
        data: { values: options.rows.map((r) => ({ ...r })) },
        mark: { type: 'bar' },
        encoding: {
          x: {
            field: 'category',
            type: 'nominal',
            title: options.categoryTitle ?? null,
            sort: categories,
            axis: { labelAngle: 0 },
          },
          xOffset: { field: 'series', type: 'nominal', sort: options.series.map((s) => s.label) },
          y: {
            field: 'value',
            type: 'quantitative',
            title: options.yTitle,
            axis: { format: options.yFormat },
          },
          color: { field: 'series', type: 'nominal', scale: colourScale(options.series) },
        },
      },
      {
        data: { values: [{ y: 0 }] },
        mark: { type: 'rule', color: '#666' },
        encoding: { y: { field: 'y', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

/** One horizontal bar per label (a single measure: no legend), with a zero rule. */
export function barSpec(options: {
  rows: readonly { label: string; value: number }[];
  xTitle: string;
  xFormat: string;
}): TopLevelSpec {
  return {
    width: 520,
    height: { step: 20 },
    config: CONFIG,
    layer: [
      {
        data: { values: options.rows.map((r) => ({ ...r })) },
        mark: { type: 'bar', color: COLOURS.blue },
        encoding: {
          y: {
            field: 'label',
            type: 'nominal',
            title: null,
            sort: null,
            axis: { labelLimit: 360 },
          },
          x: {
            field: 'value',
            type: 'quantitative',
            title: options.xTitle,
            axis: { format: options.xFormat },
          },
          color: {
            condition: { test: 'datum.value < 0', value: COLOURS.red },
            value: COLOURS.blue,
          },
        },
      },
      {
        data: { values: [{ x: 0 }] },
        mark: { type: 'rule', color: '#666' },
        encoding: { x: { field: 'x', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

/** Shares by period (a quarter) stacked to 100%, one colour per series. */
export function shareSpec(options: {
  rows: readonly { period: string; series: string; value: number }[];
  series: readonly { label: string; colour: string }[];
}): TopLevelSpec {
  return {
    width: WIDTH,
    height: 200,
    config: { ...CONFIG, legend: { ...CONFIG.legend, columns: 4 } },
    data: { values: options.rows.map((r) => ({ ...r })) },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'period', type: 'ordinal', title: null, axis: { labelAngle: -40 } },
      y: {
        field: 'value',
        type: 'quantitative',
        stack: 'normalize',
        title: 'share',
        axis: { format: '.0%' },
      },
      color: {
        field: 'series',
        type: 'nominal',
        scale: colourScale(options.series),
        sort: options.series.map((s) => s.label),
      },
      order: { field: 'series', sort: 'ascending' },
    },
  } as TopLevelSpec;
}
