import { processLabels } from './cross-section.ts';
import type { Dataset, Panel } from './panel.ts';
import { shared, sharedFloat32, sharedFloat64, sharedInt32 } from './shared-arrays.ts';

/**
 * The rows of `full` (the dataset of `panel`) up to `until`, with the labels
 * known by then: what `buildDataset(panel, horizon, config, until)` returns,
 * without computing the rules, volatilities and feature ranks again. A
 * replay's monthly retrains each take their month's cut of one dataset.
 *
 * It holds because nothing of a row depends on later rows: its features look
 * back only, its date's feature ranks are over the same rows whatever the cut
 * (every row of a date is on the same side of it), and the dates up to `until`
 * are the first of the sorted axis, so date indices stay the same. Only labels
 * change: one whose horizon ends after `until` is unknown, and the processed
 * labels of its date are ranked again over those still known.
 *
 * With `memory`, the cut's features and ranks are views of it, written over
 * whatever cut it held before.
 */
export function datasetUntil(
  full: Dataset,
  panel: Panel,
  until: string,
  memory?: CutMemory,
): Dataset {
  const dates = full.dates.filter((date) => date <= until);
  const cut = dates.length;
  let rows = 0;
  for (let r = 0; r < full.rows; r++) if (full.dateIndex[r] < cut) rows++;
  const width = full.featureNames.length;
  const k = full.rankedNames.length;
  const keep = new Int32Array(rows);
  for (let r = 0, at = 0; r < full.rows; r++) if (full.dateIndex[r] < cut) keep[at++] = r;
  const x = memory ? memory.x.subarray(0, rows * width) : sharedFloat32(rows * width);
  const ranks = memory ? memory.ranks.subarray(0, rows * k) : sharedFloat32(rows * k);
  const y = sharedFloat64(rows);
  const pick = <T extends Float64Array | Int32Array>(source: T, make: (n: number) => T): T => {
    const out = make(rows);
    keep.forEach((r, i) => (out[i] = source[r]));
    return out;
  };
  // The rows kept come in runs (a symbol's rows are consecutive): each run's
  // features and ranks are copied whole, not row by row.
  for (let i = 0; i < rows;) {
    let end = i + 1;
    while (end < rows && keep[end] === keep[end - 1] + 1) end++;
    const [from, to] = [keep[i], keep[end - 1] + 1];
    x.set(full.x.subarray(from * width, to * width), i * width);
    ranks.set(full.ranks.subarray(from * k, to * k), i * k);
    i = end;
  }
  keep.forEach((r, i) => {
    const barDates = panel.symbols[full.symbolIndex[r]].series.dates;
    const known = (barDates[full.barIndex[r] + full.horizonDays] ?? '') <= until;
    y[i] = known ? full.y[r] : NaN;
  });
  const dateIndex = pick(full.dateIndex, sharedInt32);
  const { label, excess, dateMean } = processLabels(full.labelKind, y, dateIndex, cut);
  return {
    ...full,
    dates,
    rows,
    x,
    y,
    label: shared(label),
    excess: shared(excess),
    dateMean: shared(dateMean),
    volatility: pick(full.volatility, sharedFloat64),
    intervalScale: pick(full.intervalScale, sharedFloat64),
    ranks,
    symbolIndex: pick(full.symbolIndex, sharedInt32),
    dateIndex,
    barIndex: pick(full.barIndex, sharedInt32),
    rulesScore: pick(full.rulesScore, sharedFloat64),
  };
}

/**
 * Room for the features and ranks of any cut of one dataset, taken by one cut
 * after another: a replay's retrains hold one cut at a time. Each cut of the
 * 55 up to 2020 is about 100 MB, and memory new to the process costs a page
 * fault on each first write (0.4 s a cut on a two-core VM, a twentieth of
 * that written again), so the retrains write over the last cut instead.
 */
export interface CutMemory {
  x: Float32Array;
  ranks: Float32Array;
}

export function cutMemory(full: Dataset): CutMemory {
  return { x: sharedFloat32(full.x.length), ranks: sharedFloat32(full.ranks.length) };
}
