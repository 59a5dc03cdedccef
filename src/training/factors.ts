import type { Dataset } from '../dataset/panel.ts';

/**
 * Classic one-column factors, scored next to the models on the same rows as
 * rankings only: 5-session reversal (−ret_5), 60-session momentum (ret_60)
 * and 20-session low volatility (−rv_20).
 */
export const FACTORS = ['reversal_5', 'momentum_60', 'low_vol_20'] as const;
export type FactorName = (typeof FACTORS)[number];

const DEFINITIONS: Record<FactorName | 'ret_1', { feature: string; sign: 1 | -1 }> = {
  reversal_5: { feature: 'ret_5', sign: -1 },
  momentum_60: { feature: 'ret_60', sign: 1 },
  low_vol_20: { feature: 'rv_20', sign: -1 },
  // Yesterday's return: the naive momentum baseline's forecast.
  ret_1: { feature: 'ret_1', sign: 1 },
};

export function factorScores(
  data: Dataset,
  rows: Int32Array,
): Record<FactorName | 'ret_1', Float64Array> {
  const width = data.featureNames.length;
  const out = {} as Record<FactorName | 'ret_1', Float64Array>;
  for (const [name, { feature, sign }] of Object.entries(DEFINITIONS)) {
    const column = data.featureNames.indexOf(feature);
    out[name as FactorName] = Float64Array.from(rows, (r) => sign * data.x[r * width + column]);
  }
  return out;
}
