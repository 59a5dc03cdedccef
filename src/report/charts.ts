import type { TopLevelSpec } from 'vega-lite';

/**
 * Vega-Lite specs for the tear sheet (pure: data in, spec out). Every series
 * has a fixed colour, named in the legend with a swatch of that colour; the
 * caller keeps the same label → colour map beside the chart.
 */

export const COLOURS = {
  blue: '#4c78a8',
  orange: '#f58518',
  red: '#e45756',
  teal: '#72b7b2',
  green: '#54a24b',
  yellow: '#d6a805',
  purple: '#b279a2',
  brown: '#9d755d',
  grey: '#8c8c8c',
  dark: '#333333',
} as const;

export const WIDTH = 760;
const HEIGHT = 230;

export interface Series {
  label: string;
  colour: string;
  /** Dashes for a reference series (the benchmark, a target). */
  dash?: number[];
  /** Line width (2): a series that may run under another is drawn wider, and first. */
  width?: number;
  points: { date: string; value: number | null }[];
}

export interface Reference {
  value: number;
}

export const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 11, gridColor: '#eee', titleFontWeight: 'normal' },
  legend: {
    orient: 'top',
    direction: 'horizontal',
    title: null,
    labelFontSize: 11,
    labelLimit: 520,
    symbolStrokeWidth: 3,
    symbolSize: 160,
    symbolOpacity: 1,
    columnPadding: 14,
  },
} as const;

const dateAxis = {
  field: 'date',
  type: 'temporal',
  timeUnit: 'utcyearmonthdate',
  title: null,
  axis: { labelFlush: true, labelOverlap: 'greedy', tickCount: 8 },
} as const;

export function colourScale(series: readonly { label: string; colour: string }[]) {
  return { domain: series.map((s) => s.label), range: series.map((s) => s.colour) };
}

/** Lines over dates, one per series, with dashed grey reference lines (1.0, 0, 50%). */
export function lineSpec(options: {
  series: readonly Series[];
  yTitle: string;
  yFormat: string;
  references?: readonly Reference[];
  legendColumns?: number;
}): TopLevelSpec {
  const domain = options.series.map((s) => s.label);
  const encoding = {
    x: dateAxis,
    y: {
      field: 'value',
      type: 'quantitative',
      title: options.yTitle,
      axis: { format: options.yFormat },
      scale: { zero: false },
    },
    color: { field: 'series', type: 'nominal', scale: colourScale(options.series) },
    strokeDash: {
      field: 'series',
      type: 'nominal',
      scale: { domain, range: options.series.map((s) => s.dash ?? [1, 0]) },
    },
  } as const;
  // One layer per line width, wider first: a line that coincides with another (always up
  // and the benchmark) is drawn wide underneath and still shows beside it.
  const widths = [...new Set(options.series.map((s) => s.width ?? 2))].sort((a, b) => b - a);
  const lines = widths
    .map((width) => ({
      data: {
        values: options.series
          .filter((s) => (s.width ?? 2) === width)
          .flatMap((s) =>
            s.points.filter((p) => p.value !== null).map((p) => ({ ...p, series: s.label })),
          ),
      },
      mark: { type: 'line' as const, strokeWidth: width },
      encoding,
    }))
    // Vega fails on a layer without data (a series with no value yet): leave it out.
    .filter((layer) => layer.data.values.length > 0);
  return {
    width: WIDTH,
    height: HEIGHT,
    config: { ...CONFIG, legend: { ...CONFIG.legend, columns: options.legendColumns } },
    layer: [
      ...(options.references ?? []).map((r) => ({
        data: { values: [{ y: r.value }] },
        mark: { type: 'rule' as const, color: '#999', strokeDash: [4, 3] },
        encoding: { y: { field: 'y', type: 'quantitative' as const } },
      })),
      ...lines,
    ],
  } as TopLevelSpec;
}

/** Daily Rank IC as thin bars from zero, its trailing mean as a line, and the zero line. */
export function rankIcSpec(options: {
  daily: readonly { date: string; rank_ic: number; trailing_mean: number | null }[];
  dailyLabel: string;
  meanLabel: string;
}): TopLevelSpec {
  const series = [
    { label: options.dailyLabel, colour: '#9ecae9' },
    { label: options.meanLabel, colour: COLOURS.blue },
  ];
  const colour = { field: 'series', type: 'nominal', scale: colourScale(series) } as const;
  const y = { field: 'value', type: 'quantitative', title: 'Rank IC' } as const;
  return {
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: [
      {
        data: {
          values: options.daily.map((d) => ({
            date: d.date,
            value: d.rank_ic,
            series: options.dailyLabel,
          })),
        },
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: { x: dateAxis, y, y2: { datum: 0 }, color: colour },
      },
      // No trailing mean before its first few sessions, and Vega fails on a layer without data.
      ...(options.daily.some((d) => d.trailing_mean !== null)
        ? [
            {
              data: {
                values: options.daily
                  .filter((d) => d.trailing_mean !== null)
                  .map((d) => ({
                    date: d.date,
                    value: d.trailing_mean,
                    series: options.meanLabel,
                  })),
              },
              mark: { type: 'line' as const, strokeWidth: 2.5 },
              encoding: { x: dateAxis, y, color: colour },
            },
          ]
        : []),
      {
        data: { values: [{ y: 0 }] },
        mark: { type: 'rule', color: '#666' },
        encoding: { y: { field: 'y', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

/** Predicted P(up) per bin against the share that rose, sized by count, with the diagonal. */
export function calibrationSpec(options: {
  bins: readonly { predicted: number; realised: number; count: number }[];
  pointsLabel: string;
  diagonalLabel: string;
}): TopLevelSpec {
  // Both axes span the bins, padded to the next 5%: P(up) between 50% and 60% is not a dot.
  const values = options.bins.flatMap((b) => [b.predicted, b.realised]);
  const low = Math.max(0, Math.floor(Math.min(...values) * 20 - 1) / 20);
  const high = Math.min(1, Math.ceil(Math.max(...values) * 20 + 1) / 20);
  const series = [
    { label: options.pointsLabel, colour: COLOURS.red },
    { label: options.diagonalLabel, colour: COLOURS.grey },
  ];
  const colour = { field: 'series', type: 'nominal', scale: colourScale(series) } as const;
  const axis = (title: string) => ({
    type: 'quantitative' as const,
    title,
    scale: { domain: [low, high] },
    axis: { format: '.0%' },
  });
  return {
    width: 360,
    height: 300,
    config: CONFIG,
    layer: [
      {
        data: {
          values: [
            { x: low, y: low, series: options.diagonalLabel },
            { x: high, y: high, series: options.diagonalLabel },
          ],
        },
        mark: { type: 'line', strokeDash: [4, 3], strokeWidth: 1.5 },
        encoding: {
          x: { field: 'x', ...axis('predicted P(up)') },
          y: { field: 'y', ...axis('share that rose') },
          color: colour,
        },
      },
      {
        data: {
          values: options.bins.map((b) => ({
            x: b.predicted,
            y: b.realised,
            n: b.count,
            series: options.pointsLabel,
          })),
        },
        mark: { type: 'point', filled: true, opacity: 0.9 },
        encoding: {
          x: { field: 'x', ...axis('predicted P(up)') },
          y: { field: 'y', ...axis('share that rose') },
          size: {
            field: 'n',
            type: 'quantitative',
            title: 'predictions',
            legend: null,
            scale: { type: 'sqrt', range: [30, 160] },
          },
          color: colour,
          // The legend shows the diagonal as a line and the bins as dots, as drawn.
          shape: {
            field: 'series',
            type: 'nominal',
            scale: {
              domain: [options.pointsLabel, options.diagonalLabel],
              range: ['circle', 'stroke'],
            },
          },
        },
      },
    ],
  } as TopLevelSpec;
}
