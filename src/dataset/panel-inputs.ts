import { crossSectionalRanks } from './cross-section.ts';
import type { ModelInputs } from './model-inputs.ts';
import type { Panel, SymbolPanel } from './panel.ts';
import { clipped, scaleInto } from './scaler.ts';

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
  const ranks = memberRanks(panel, sessions, members, featureNames, rankedNames);
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
    lstmSequences(items, scaler, columns, timesteps) {
      const out = new Float32Array(items.length * timesteps * columns.length);
      const mean = Float64Array.from(columns, (c) => scaler.pooled.mean[c]);
      const std = Float64Array.from(columns, (c) => scaler.pooled.std[c]);
      let at = 0;
      for (let i = 0; i < items.length; i++) {
        const { panel: entry, row } = members[items[i]];
        const values = entry.features.values;
        for (let bar = row - timesteps + 1; bar <= row; bar++)
          for (let c = 0; c < columns.length; c++)
            out[at++] = clipped(values[bar * width + columns[c]], mean[c], std[c]);
      }
      return out;
    },
  };
}

/**
 * Each member's features ranked across its session's universe (every panel
 * symbol with a valid row that date, as in training): members × rankedNames.
 */
function memberRanks(
  panel: Panel,
  sessions: readonly string[],
  members: readonly CrossSectionMember[],
  names: readonly string[],
  rankedNames: readonly string[],
): Float32Array {
  const width = names.length;
  const columns = rankedNames.map((name) => names.indexOf(name));
  const k = columns.length;
  const out = new Float32Array(members.length * k);
  if (k === 0) return out;
  sessions.forEach((date, session) => {
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
    members.forEach((m, i) => {
      const at = m.session === session ? bySymbol.get(m.panel.symbol) : undefined;
      if (at !== undefined) out.set(ranks.subarray(at * k, (at + 1) * k), i * k);
    });
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
