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
import {
  crossSectionalRanks,
  processLabels,
  rankedFeatureNames,
  rowsByDate,
  type LabelKind,
} from './cross-section.ts';
import { shared, sharedFloat32, sharedFloat64, sharedInt32 } from './shared-arrays.ts';

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
  store: Pick<PriceStore, 'adjusted' | 'symbolInfo'>,
  symbols: readonly string[],
  until: string | undefined,
  config: Config,
  contextSymbols: readonly string[] = symbols,
  /** Bars from this date on only (see predictionHistoryStart); default: the whole history. */
  from?: string,
): Panel {
  const loaded = new Map<string, AdjustedSeries>();
  const range = { ...(from ? { from } : {}), ...(until ? { until } : {}) };
  const load = (symbol: string) => {
    let series = loaded.get(symbol);
    if (!series) loaded.set(symbol, (series = store.adjusted(symbol, range)));
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

/** Calendar years of bars a prediction's features are computed from (see predictionHistoryStart). */
export const PREDICTION_HISTORY_YEARS = 3;

/**
 * The first bar date predict and explain read for predictions as of `asOf`:
 * three years before it. Every feature looks back at most a year (252
 * sessions), and the exponential averages (RSI, MACD, ATR, ADX; the slowest
 * keeps 25/27 of its past a session) forget a start 750 sessions back to
 * below float64 precision, so features from three years agree with those of
 * the whole history, which training saw, to rounding (a test checks it to
 * 1e-9 on real stocks). Three years instead of twenty make predict several
 * times cheaper.
 */
export function predictionHistoryStart(asOf: string): string {
  const year = Number(asOf.slice(0, 4)) - PREDICTION_HISTORY_YEARS;
  return `${String(year).padStart(4, '0')}${asOf.slice(4)}`;
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
  /**
   * rows × featureNames.length, row-major, raw (unscaled) values in float32:
   * what the models read (XGBoost takes float32 inputs), at half the memory of
   * float64. The volatilities, rule scores and feature ranks are computed from
   * the float64 features before they are rounded.
   */
  x: Float32Array;
  /** Forward log return over `horizonDays` sessions; NaN where the future is not known yet. */
  y: Float64Array;
  horizonDays: number;
  /** What the models learn: `y` through the label processor (train.label); NaN where y is. */
  label: Float64Array;
  labelKind: LabelKind;
  /** y minus the mean y of the row's date (the realised excess over the universe). */
  excess: Float64Array;
  /** By date index: the universe's mean forward return that date (NaN where unknown). */
  dateMean: Float64Array;
  /** The row's 20-session volatility (annualised): P(up)'s base rate depends on it. */
  volatility: Float64Array;
  /** The row's interval scale (see intervalScale). */
  intervalScale: Float64Array;
  /** Features ranked across the universe per date (train.featureRanks), XGBoost's extra inputs. */
  rankedNames: readonly string[];
  /** rows × rankedNames.length, row-major: centred per-date ranks of those features. */
  ranks: Float32Array;
  symbolIndex: Int32Array;
  dateIndex: Int32Array;
  /** Row of the symbol's own feature matrix (for LSTM sequences). */
  barIndex: Int32Array;
  /** Sum of the default values of the rules that fire (the rules-alone signal). */
  rulesScore: Float64Array;
}

/**
 * A row's volatilities, from its feature row: the 20-session realised
 * volatility, and the interval's scale — the last 5 sessions' (the horizon's
 * own window: it widens within days when a market turns, where 20 sessions take
 * weeks), floored at a fifth of the 60-session one so a few flat sessions do not
 * collapse the band.
 */
export function volatilitiesAt(
  names: readonly string[],
  values: ArrayLike<number>,
  offset: number,
): { volatility: number; intervalScale: number } {
  const at = (name: string) => values[offset + names.indexOf(name)];
  return { volatility: at('rv_20'), intervalScale: Math.max(at('rv_5'), at('rv_60') / 5) };
}

/**
 * The dataset of a panel, up to `until` when given: rows after it are left
 * out, and a label whose horizon ends after it is unknown (NaN), exactly as
 * if the panel had been loaded up to `until`.
 */
export function buildDataset(
  panel: Panel,
  horizonDays: number,
  config: Config,
  until?: string,
): Dataset {
  const featureNames = panel.symbols[0].features.names;
  const width = featureNames.length;
  const dateSet = new Set<string>();
  let rows = 0;
  for (const p of panel.symbols) {
    for (let t = 0; t < p.features.dates.length; t++) {
      if (until !== undefined && p.features.dates[t] > until) break;
      if (p.features.valid[t]) {
        rows++;
        dateSet.add(p.features.dates[t]);
      }
    }
  }
  const dates = [...dateSet].sort();
  const dateLookup = new Map(dates.map((d, i) => [d, i]));
  // Float64 while the rows' own figures are computed from it; the dataset keeps float32.
  const x64 = new Float64Array(rows * width);
  const y = sharedFloat64(rows);
  const symbolIndex = sharedInt32(rows);
  const dateIndex = sharedInt32(rows);
  const barIndex = sharedInt32(rows);
  const rulesScore = sharedFloat64(rows);
  let r = 0;
  panel.symbols.forEach((p, s) => {
    const labels = forwardLabels(p.series, horizonDays);
    const { features } = p;
    const { dates: barDates } = p.series;
    for (let t = 0; t < features.dates.length; t++) {
      if (until !== undefined && features.dates[t] > until) break;
      if (!features.valid[t]) continue;
      x64.set(features.values.subarray(t * width, (t + 1) * width), r * width);
      const known = until === undefined || (barDates[t + horizonDays] ?? '') <= until;
      y[r] = known ? labels.logReturn[t] : NaN;
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
  const volatility = sharedFloat64(rows);
  const intervalScale = sharedFloat64(rows);
  for (let row = 0; row < rows; row++) {
    const v = volatilitiesAt(featureNames, x64, row * width);
    volatility[row] = v.volatility;
    intervalScale[row] = v.intervalScale;
  }
  const labelKind = config.train.label;
  const { label, excess, dateMean } = processLabels(labelKind, y, dateIndex, dates.length);
  const rankedNames = config.train.featureRanks ? rankedFeatureNames(featureNames) : [];
  const x = sharedFloat32(rows * width);
  x.set(x64);
  const ranks = crossSectionalRanks(
    x64,
    width,
    rankedNames.map((name) => featureNames.indexOf(name)),
    rowsByDate(dateIndex).values(),
    rows,
  );
  return {
    featureNames,
    symbols: panel.symbols.map((p) => p.symbol),
    dates,
    rows,
    x,
    y,
    horizonDays,
    label: shared(label),
    labelKind,
    excess: shared(excess),
    dateMean: shared(dateMean),
    volatility,
    intervalScale,
    rankedNames,
    ranks,
    symbolIndex,
    dateIndex,
    barIndex,
    rulesScore,
  };
}
