import type { TopLevelSpec } from 'vega-lite';
import { lineSpec, type Series } from './charts.ts';

/** A chart of the page: its spec and the label → colour of each series its legend names. */
export interface Figure {
  id: string;
  title: string;
  spec: TopLevelSpec | null;
  series: readonly { label: string; colour: string }[];
  /** Why there is no chart (when spec is null). */
  empty?: string;
  note?: string;
}

/** A line chart, drawn when one of the `drawn` series (default: all) has two points for a line. */
export function line(
  id: string,
  title: string,
  series: Series[],
  options: { yTitle: string; yFormat: string; refs?: number[]; columns?: number },
  empty: string,
  note?: string,
  drawn: readonly Series[] = series,
): Figure {
  series = sayCoincident(series);
  drawn = drawn.map((d) => series.find((s) => s.points === d.points) ?? d);
  return {
    id,
    title,
    series,
    note,
    empty,
    spec: drawn.some((s) => s.points.filter((p) => p.value !== null).length > 1)
      ? lineSpec({
          series,
          yTitle: options.yTitle,
          yFormat: options.yFormat,
          references: (options.refs ?? []).map((value) => ({ value })),
          legendColumns: options.columns,
        })
      : null,
  };
}

/** Within this of each other at every point, two series are drawn as one line. */
const COINCIDE = 0.005;

/** How two series compare point by point: the widest gap and the share of points equal. */
function compare(a: Series, b: Series): { widest: number; equal: number } | null {
  if (a.points.length < 2 || a.points.length !== b.points.length) return null;
  let widest = 0;
  let equal = 0;
  for (const [i, p] of a.points.entries()) {
    const q = b.points[i];
    if (p.date !== q.date || (p.value === null) !== (q.value === null)) return null;
    const gap = p.value === null ? 0 : Math.abs(p.value - (q.value as number));
    widest = Math.max(widest, gap);
    if (gap < 1e-12) equal++;
  }
  return { widest, equal: equal / a.points.length };
}

/**
 * A series that lies on one before it says so in its label: identical, identical
 * at most points, or within half a point everywhere (drawn on top of each other).
 */
function sayCoincident(series: readonly Series[]): Series[] {
  return series.map((s, i) => {
    for (const earlier of series.slice(0, i)) {
      const c = compare(earlier, s);
      if (!c) continue;
      if (c.widest < 1e-12) return { ...s, label: `${s.label} (identical to ${earlier.label})` };
      if (c.equal >= 0.5)
        return {
          ...s,
          label: `${s.label} (= ${earlier.label} at ${Math.floor(c.equal * 100)}% of points)`,
        };
      if (c.widest < COINCIDE)
        return { ...s, label: `${s.label} (within half a point of ${earlier.label} throughout)` };
    }
    return s;
  });
}
