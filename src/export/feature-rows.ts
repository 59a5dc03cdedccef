import { forwardLabels, type FeatureMatrix } from '../features/index.ts';
import {
  crossSectionalRanks,
  processLabels,
  rankedFeatureNames,
  rowsByDate,
  type LabelKind,
} from '../dataset/cross-section.ts';
import type { AdjustedSeries } from '../store/types.ts';

/** One symbol of the panel: its adjusted bars and the feature rows computed from them. */
export interface SymbolFeatures {
  series: AdjustedSeries;
  features: FeatureMatrix;
}

/**
 * The features of the panel's symbols at these positions, in that order,
 * computed as each one's turn comes: a pass holds one symbol's matrix at a time.
 */
export type FeaturePass = (symbols: readonly number[]) => Iterable<SymbolFeatures>;

export interface FeatureRowsOptions {
  horizonDays: number;
  labelKind: LabelKind;
  /** Rank the stock-specific features across the symbols per date (train.featureRanks). */
  featureRanks: boolean;
  /** No fewer than the rows there can be (the panel's bars): sizes the buffers once. */
  capacity: number;
  /** Ranked columns one pass over the symbols gathers, of so many (each pass computes their features again). */
  rankColumnsPerPass: (rankedColumns: number) => number;
}

/** The per-date ranks of rankedNames[first, first + width): rows × width, row-major. */
export interface RankGroup {
  first: number;
  width: number;
  ranks: Float32Array;
}

/**
 * The dataset `buildDataset` makes of a whole panel, without its feature
 * matrix: which rows there are (every valid feature row, symbol by symbol),
 * their dates, forward returns and labels, and the features' per-date ranks.
 * The feature values themselves are read from each symbol's matrix when written.
 */
export interface FeatureRows {
  symbolCount: number;
  featureNames: readonly string[];
  rankedNames: readonly string[];
  /** The sorted union of the rows' dates; `dateIndex` points into it. */
  dates: string[];
  rows: number;
  /** The rows of the symbol at position s are [start[s], start[s + 1]). */
  start: Int32Array;
  /** Row → its bar in the symbol's series (and row of its feature matrix). */
  barIndex: Int32Array;
  dateIndex: Int32Array;
  /** Forward log return over horizonDays sessions; NaN where the future is not known. */
  y: Float64Array;
  horizonDays: number;
  label: Float64Array;
  labelKind: LabelKind;
  rankGroups: RankGroup[];
}

/**
 * Index the panel's rows and rank its features (pure, given the passes).
 * Ranks need every symbol of a date, so they are computed over the whole
 * panel, a few columns at a time: each pass gathers `rankColumnsPerPass`
 * ranked columns of every row into one buffer, which the next pass reuses.
 */
export function featureRows(
  pass: FeaturePass,
  symbolCount: number,
  options: FeatureRowsOptions,
): FeatureRows {
  const all = Array.from({ length: symbolCount }, (_, s) => s);
  const { capacity } = options;
  const start = new Int32Array(symbolCount + 1);
  const barIndex = new Int32Array(capacity);
  const firstSeen = new Int32Array(capacity);
  const y = new Float64Array(capacity);
  const seen = new Map<string, number>();
  const seenDates: string[] = [];
  let featureNames: readonly string[] = [];
  let rankedColumns: number[] = [];
  let groups: { first: number; width: number }[] = [];
  let buffer = new Float64Array(0);
  let rows = 0;
  let s = 0;
  // The first pass finds the rows and gathers the first group of ranked columns.
  for (const { series, features } of pass(all)) {
    if (s === 0) {
      featureNames = features.names;
      const ranked = options.featureRanks ? rankedFeatureNames(featureNames) : [];
      rankedColumns = ranked.map((name) => featureNames.indexOf(name));
      groups = columnGroups(rankedColumns.length, options.rankColumnsPerPass(rankedColumns.length));
      buffer = new Float64Array(capacity * (groups[0]?.width ?? 0));
    }
    const labels = forwardLabels(series, options.horizonDays);
    start[s] = rows;
    for (let t = 0; t < features.dates.length; t++) {
      if (!features.valid[t]) continue;
      if (rows === capacity) throw new Error(`more feature rows than the ${capacity} expected`);
      const date = features.dates[t];
      let id = seen.get(date);
      if (id === undefined) {
        seen.set(date, (id = seenDates.length));
        seenDates.push(date);
      }
      barIndex[rows] = t;
      firstSeen[rows] = id;
      y[rows] = labels.logReturn[t];
      rows++;
    }
    if (groups.length > 0) gatherRanked(features, rankedColumns, groups[0], buffer, start[s]);
    s++;
  }
  if (s !== symbolCount) throw new Error(`a pass gave ${s} symbols of ${symbolCount}`);
  start[symbolCount] = rows;

  const dates = [...seenDates].sort();
  const finalIndex = new Map(dates.map((date, i) => [date, i]));
  const remap = Int32Array.from(seenDates, (date) => finalIndex.get(date) as number);
  const dateIndex = Int32Array.from(firstSeen.subarray(0, rows), (id) => remap[id]);
  const byDate = rowsByDate(dateIndex);
  const rankGroups = groups.map((group, g) => {
    if (g > 0) {
      let position = 0;
      for (const { features } of pass(all)) {
        const gathered = gatherRanked(features, rankedColumns, group, buffer, start[position]);
        if (gathered !== start[position + 1] - start[position])
          throw new Error(`${features.symbol}: another number of feature rows than the first pass`);
        position++;
      }
    }
    const columns = Array.from({ length: group.width }, (_, c) => c);
    const ranks = crossSectionalRanks(buffer, group.width, columns, byDate.values(), rows);
    return { ...group, ranks };
  });
  const forward = y.subarray(0, rows);
  return {
    symbolCount,
    featureNames,
    rankedNames: rankedColumns.map((j) => featureNames[j]),
    dates,
    rows,
    start,
    barIndex: barIndex.subarray(0, rows),
    dateIndex,
    y: forward,
    horizonDays: options.horizonDays,
    label: processLabels(options.labelKind, forward, dateIndex, dates.length).label,
    labelKind: options.labelKind,
    rankGroups,
  };
}

/** `count` ranked columns cut into groups of at most `perPass`, as even as can be. */
function columnGroups(count: number, perPass: number): { first: number; width: number }[] {
  const passes = Math.ceil(count / Math.max(1, perPass));
  const groups: { first: number; width: number }[] = [];
  for (let g = 0, first = 0; g < passes; g++) {
    const width = Math.ceil((count - first) / (passes - g));
    groups.push({ first, width });
    first += width;
  }
  return groups;
}

/** A symbol's valid rows of a group of ranked columns, into the buffer from row `row`; how many. */
function gatherRanked(
  features: FeatureMatrix,
  rankedColumns: readonly number[],
  group: { first: number; width: number },
  buffer: Float64Array,
  row: number,
): number {
  const width = features.names.length;
  let at = row * group.width;
  let count = 0;
  for (let t = 0; t < features.dates.length; t++) {
    if (!features.valid[t]) continue;
    for (let c = 0; c < group.width; c++)
      buffer[at++] = features.values[t * width + rankedColumns[group.first + c]];
    count++;
  }
  return count;
}
