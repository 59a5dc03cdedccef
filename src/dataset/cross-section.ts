import type { TrainSettings } from '../config.ts';
import { sharedFloat32 } from './shared-arrays.ts';

/**
 * Per-date (cross-sectional) processing, as Qlib's CSRankNorm / CSZScoreNorm
 * processors do: every value is transformed using only the rows of its own
 * date, so nothing crosses from one session into another (pure).
 */

/** Row numbers grouped by date index, for the rows `include` accepts. */
export function rowsByDate(
  dateIndex: Int32Array,
  include: (row: number) => boolean = () => true,
): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let r = 0; r < dateIndex.length; r++) {
    if (!include(r)) continue;
    const list = groups.get(dateIndex[r]);
    if (list) list.push(r);
    else groups.set(dateIndex[r], [r]);
  }
  return groups;
}

/** Values this close (relative) are ties: the same figure from differently anchored prices. */
const TIE = 1e-9;

/**
 * Centred percentile ranks of one date's values: (rank − 1) / (n − 1) − 0.5,
 * so the lowest is −0.5, the highest +0.5 and ties share their mean rank. A
 * single value is 0. Values within 1e-9 (relative) of each other are ties, so
 * the last bits of adjusted prices — which depend on where the history ends —
 * never reorder stocks.
 */
export function centredRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  if (n < 2) return out;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  let i = 0;
  while (i < n) {
    let j = i;
    const first = values[order[i]];
    while (j + 1 < n && values[order[j + 1]] - first <= TIE * Math.max(1, Math.abs(first))) j++;
    const rank = (i + j) / 2;
    for (let k = i; k <= j; k++) out[order[k]] = rank / (n - 1) - 0.5;
    i = j + 1;
  }
  return out;
}

/** How a forward return becomes the target every model learns (`train.label`). */
export type LabelKind = TrainSettings['label'];

export interface ProcessedLabels {
  /** The target the models learn; NaN where the forward return is unknown. */
  label: Float64Array;
  /** Forward return minus the mean of its date's forward returns; NaN where unknown. */
  excess: Float64Array;
  /** By date index: the mean forward return of the rows labelled that date (NaN if none). */
  dateMean: Float64Array;
}

/**
 * Label processors. `cs_rank`: per-date centred percentile rank of the
 * forward return; `cs_zscore`: (return − date mean) / date standard
 * deviation; `excess`: return − date mean; `raw`: the return itself.
 */
export function processLabels(
  kind: LabelKind,
  forward: Float64Array,
  dateIndex: Int32Array,
  dates: number,
): ProcessedLabels {
  const label = new Float64Array(forward.length).fill(NaN);
  const excess = new Float64Array(forward.length).fill(NaN);
  const dateMean = new Float64Array(dates).fill(NaN);
  for (const [d, rows] of rowsByDate(dateIndex, (r) => Number.isFinite(forward[r]))) {
    const values = rows.map((r) => forward[r]);
    const n = values.length;
    const mean = values.reduce((a, b) => a + b, 0) / n;
    dateMean[d] = mean;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
    const centred = kind === 'cs_rank' ? centredRanks(values) : null;
    rows.forEach((r, i) => {
      excess[r] = forward[r] - mean;
      label[r] =
        kind === 'raw'
          ? forward[r]
          : kind === 'excess'
            ? forward[r] - mean
            : kind === 'cs_zscore'
              ? sd > 0
                ? (forward[r] - mean) / sd
                : 0
              : (centred as Float64Array)[i];
    });
  }
  return { label, excess, dateMean };
}

/**
 * The features worth ranking across stocks: every column but those that are
 * the same for every stock on a date (calendar and market columns), whose
 * ranks would carry nothing.
 */
export function rankedFeatureNames(names: readonly string[]): string[] {
  return names.filter((name) => !/^(dow_|month_|mkt_)/.test(name));
}

/** The name an XGBoost input carries for a feature's per-date rank. */
export const rankInputName = (feature: string) => `${feature}_cs_rank`;

/**
 * Per-date centred ranks of chosen columns of a row-major matrix: for each
 * group of rows (one date) and column, each row's rank among the group.
 * Returns rowCount × columns.length, row-major, indexed like the matrix.
 */
export function crossSectionalRanks(
  values: ArrayLike<number>,
  width: number,
  columns: readonly number[],
  groups: Iterable<readonly number[]>,
  rowCount: number,
): Float32Array {
  const k = columns.length;
  // On shared memory: the walk-forward's worker threads read it without a copy.
  const out = sharedFloat32(rowCount * k);
  // This runs for every date × ranked feature. A feature's order across stocks changes
  // little from one date to the next, so each column's sort starts from the previous
  // date's order (positions within the group) and an insertion sort has little to do.
  let block = new Float64Array(64 * k);
  let orders = new Int32Array(64 * k);
  let previousSize = -1;
  for (const rows of groups) {
    const n = rows.length;
    if (n * k > block.length) {
      block = new Float64Array(n * k);
      orders = new Int32Array(n * k);
    }
    // Gather the date's rows first, each row's values read together (rows of a date lie far apart).
    for (let i = 0; i < n; i++) {
      const offset = rows[i] * width;
      for (let c = 0; c < k; c++) block[c * n + i] = values[offset + columns[c]];
    }
    for (let c = 0; c < k; c++) {
      const base = c * n;
      if (n !== previousSize) for (let i = 0; i < n; i++) orders[base + i] = i;
      if (n < 2) {
        for (let i = 0; i < n; i++) out[rows[i] * k + c] = 0;
        continue;
      }
      for (let i = 1; i < n; i++) {
        const position = orders[base + i];
        const value = block[base + position];
        let j = i - 1;
        while (j >= 0 && block[base + orders[base + j]] > value) {
          orders[base + j + 1] = orders[base + j];
          j--;
        }
        orders[base + j + 1] = position;
      }
      // Runs of equal values (within TIE) share their mean rank, as centredRanks.
      let i = 0;
      while (i < n) {
        let j = i;
        const value = block[base + orders[base + i]];
        const tie = TIE * Math.max(1, Math.abs(value));
        while (j + 1 < n && block[base + orders[base + j + 1]] - value <= tie) j++;
        const centred = ((i + j) / 2 + 1 - 1) / (n - 1) - 0.5;
        for (let m = i; m <= j; m++) out[rows[orders[base + m]] * k + c] = centred;
        i = j + 1;
      }
    }
    previousSize = n;
  }
  return out;
}
