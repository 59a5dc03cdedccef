import type { Config } from '../config.ts';
import { DataError } from '../errors.ts';
import {
  buildMarketContext,
  computeFeatures,
  forwardLabels,
  marketRegimeAt,
  ruleSignalsAt,
  type FeatureMatrix,
  type MarketContext,
} from '../features/index.ts';
import type { PriceStore } from '../store/price-store.ts';
import type { AdjustedSeries } from '../store/types.ts';

/** One symbol's bars and the feature rows the models see, up to a date. */
export interface SymbolPanel {
  symbol: string;
  series: AdjustedSeries;
  features: FeatureMatrix;
}

export interface Panel {
  symbols: SymbolPanel[];
  context: MarketContext;
}

/**
 * Load the universe up to `until` (inclusive) and compute features. The
 * market context is built from `contextSymbols` (the model's training
 * universe), truncated the same way, so training and prediction see identical inputs.
 */
export function loadPanel(
  store: PriceStore,
  symbols: readonly string[],
  until: string | undefined,
  config: Config,
  contextSymbols: readonly string[] = symbols,
): Panel {
  const loaded = new Map<string, AdjustedSeries>();
  const load = (symbol: string) => {
    let series = loaded.get(symbol);
    if (!series) loaded.set(symbol, (series = store.adjusted(symbol, { until })));
    return series;
  };
  const usable = symbols.map(load).filter((s) => s.dates.length > 0);
  if (usable.length === 0) {
    throw new DataError(`no bars on or before ${until ?? 'today'} for ${symbols.join(', ')}`);
  }
  const known = contextSymbols.filter(
    (symbol) => loaded.has(symbol) || store.symbolInfo(symbol) !== null,
  );
  const context = buildMarketContext(known.map(load).filter((s) => s.dates.length > 0));
  return {
    context,
    symbols: usable.map((s) => ({
      symbol: s.symbol,
      series: s,
      features: computeFeatures(s, context, { regime: config.regime }),
    })),
  };
}

/**
 * Pooled rows for training and evaluation: every valid feature row of every
 * symbol, with its forward label (NaN for the last h rows), on one date axis.
 */
export interface Dataset {
  featureNames: readonly string[];
  symbols: string[];
  /** The sorted union of all dates; `dateIndex` points into it. */
  dates: string[];
  rows: number;
  /** rows × featureNames.length, row-major, raw (unscaled) values. */
  x: Float64Array;
  /** Forward log return over the horizon; NaN where the future is not known yet. */
  y: Float64Array;
  symbolIndex: Int32Array;
  dateIndex: Int32Array;
  /** Row of the symbol's own feature matrix (for LSTM sequences). */
  barIndex: Int32Array;
  /** Sum of the default values of the rules that fire (the rules-alone signal). */
  rulesScore: Float64Array;
}

export function buildDataset(panel: Panel, horizonDays: number, config: Config): Dataset {
  const featureNames = panel.symbols[0].features.names;
  const width = featureNames.length;
  const dateSet = new Set<string>();
  let rows = 0;
  for (const p of panel.symbols) {
    for (let t = 0; t < p.features.dates.length; t++) {
      if (p.features.valid[t]) {
        rows++;
        dateSet.add(p.features.dates[t]);
      }
    }
  }
  const dates = [...dateSet].sort();
  const dateLookup = new Map(dates.map((d, i) => [d, i]));
  const x = new Float64Array(rows * width);
  const y = new Float64Array(rows);
  const symbolIndex = new Int32Array(rows);
  const dateIndex = new Int32Array(rows);
  const barIndex = new Int32Array(rows);
  const rulesScore = new Float64Array(rows);
  let r = 0;
  panel.symbols.forEach((p, s) => {
    const labels = forwardLabels(p.series, horizonDays);
    const { features } = p;
    for (let t = 0; t < features.dates.length; t++) {
      if (!features.valid[t]) continue;
      x.set(features.values.subarray(t * width, (t + 1) * width), r * width);
      y[r] = labels.logReturn[t];
      symbolIndex[r] = s;
      dateIndex[r] = dateLookup.get(features.dates[t]) as number;
      barIndex[r] = t;
      rulesScore[r] = ruleSignalsAt(
        features,
        t,
        marketRegimeAt(features, t),
        config.signalWeights,
      ).reduce((sum, signal) => sum + signal.value, 0);
      r++;
    }
  });
  return {
    featureNames,
    symbols: panel.symbols.map((p) => p.symbol),
    dates,
    rows,
    x,
    y,
    symbolIndex,
    dateIndex,
    barIndex,
    rulesScore,
  };
}
