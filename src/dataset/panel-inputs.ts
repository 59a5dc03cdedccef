import { crossSectionalRanks } from './cross-section.ts';
import type { ModelInputs } from './model-inputs.ts';
import type { Panel, SymbolPanel } from './panel.ts';
import { clipped, scaleInto } from './scaler.ts';
import { RANK_SCALE, rankColumns } from './sequences.ts';

/** One symbol's row of a session's cross-section (`session` indexes the sessions scored). */
export interface CrossSectionMember {
  panel: SymbolPanel;
  row: number;
  session: number;
}

/**
 * The members of a panel's cross-sections as model inputs (the item is the
 * member's index): features ranked across each session's whole universe, as
 * the dataset ranks them across its date's rows, and LSTM sequences from the
 * symbol's own bars.
 */
export function crossSectionInputs(
  panel: Panel,
  sessions: readonly string[],
  members: readonly CrossSectionMember[],
  featureNames: readonly string[],
  rankedNames: readonly string[],
): ModelInputs {
  const width = featureNames.length;
  const k = rankedNames.length;
  const ranksOn = dateRanks(panel, featureNames, rankedNames);
  const ranks = memberRanks(sessions, members, k, ranksOn);
  return {
    symbolOf: (i) => members[i].panel.symbol,
    xgbInputs(items, scaler, out) {
      for (let i = 0; i < items.length; i++) {
        const m = items[i];
        const { panel: entry, row } = members[m];
        const values = entry.features.values.subarray(row * width, (row + 1) * width);
        scaleInto(scaler, entry.symbol, values, out, i * (width + k));
        out.set(ranks.subarray(m * k, (m + 1) * k), i * (width + k) + width);
      }
    },
    lstmSequences(items, scaler, columns, timesteps, inputs) {
      const out = new Float32Array(items.length * timesteps * columns.length);
      const mean = Float64Array.from(columns, (c) => scaler.pooled.mean[c]);
      const std = Float64Array.from(columns, (c) => scaler.pooled.std[c]);
      const rankOf = rankColumns(featureNames, rankedNames, columns, inputs);
      const readsRanks = rankOf.some((j) => j >= 0);
      let at = 0;
      for (let i = 0; i < items.length; i++) {
        const { panel: entry, row } = members[items[i]];
        const values = entry.features.values;
        for (let bar = row - timesteps + 1; bar <= row; bar++) {
          const own = readsRanks ? ranksOn(entry.features.dates[bar]).of(entry.symbol) : null;
          for (let c = 0; c < columns.length; c++)
            out[at++] =
              own && rankOf[c] >= 0
                ? own[rankOf[c]] * RANK_SCALE
                : clipped(values[bar * width + columns[c]], mean[c], std[c]);
        }
      }
      return out;
    },
  };
}

/** One date's ranks: a symbol's ranked features (rankedNames order), or null if not in it. */
interface RanksOnDate {
  of(symbol: string): Float32Array | null;
}

/**
 * The ranks of a date's features across its universe (every panel symbol with
 * a valid row that date, as in training), computed once a date.
 */
function dateRanks(
  panel: Panel,
  names: readonly string[],
  rankedNames: readonly string[],
): (date: string) => RanksOnDate {
  const width = names.length;
  const columns = rankedNames.map((name) => names.indexOf(name));
  const k = columns.length;
  const cache = new Map<string, RanksOnDate>();
  return (date) => {
    const cached = cache.get(date);
    if (cached) return cached;
    const universe = panel.symbols.flatMap((entry) => {
      const row = rowOfDate(entry.features.dates, date);
      return row >= 0 && entry.features.valid[row] ? [{ entry, row }] : [];
    });
    const values = new Float64Array(universe.length * width);
    universe.forEach(({ entry, row }, i) =>
      values.set(entry.features.values.subarray(row * width, (row + 1) * width), i * width),
    );
    const ranks = crossSectionalRanks(
      values,
      width,
      columns,
      [[...universe.keys()]],
      universe.length,
    );
    const bySymbol = new Map(universe.map(({ entry }, i) => [entry.symbol, i]));
    const onDate: RanksOnDate = {
      of(symbol) {
        const i = bySymbol.get(symbol);
        return i === undefined ? null : ranks.subarray(i * k, (i + 1) * k);
      },
    };
    cache.set(date, onDate);
    return onDate;
  };
}

/** Each member's features ranked across its session's universe: members × k. */
function memberRanks(
  sessions: readonly string[],
  members: readonly CrossSectionMember[],
  k: number,
  ranksOn: (date: string) => RanksOnDate,
): Float32Array {
  const out = new Float32Array(members.length * k);
  if (k === 0) return out;
  members.forEach((m, i) => {
    const own = ranksOn(sessions[m.session]).of(m.panel.symbol);
    if (own) out.set(own, i * k);
  });
  return out;
}

/** Index of `date` in ascending `dates`, or −1. */
export function rowOfDate(dates: readonly string[], date: string): number {
  let low = 0;
  let high = dates.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (dates[middle] === date) return middle;
    if (dates[middle] < date) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
