import type { Config } from '../config.ts';
import type { FeatureMatrix } from './matrix.ts';
import { featureValue } from './matrix.ts';
import type { Regime } from './regime.ts';

export type RuleName =
  'overbought' | 'oversold' | 'macd_positive' | 'golden_cross' | 'death_cross' | 'regime_bullish';

export const RULE_NAMES: readonly RuleName[] = [
  'overbought',
  'oversold',
  'macd_positive',
  'golden_cross',
  'death_cross',
  'regime_bullish',
];

export interface RuleSignal {
  name: RuleName;
  /** The rule's default score from config (signalWeights) when it fires. */
  value: number;
}

const OVERBOUGHT_RSI = 70;
const OVERSOLD_RSI = 30;

/**
 * The seed systems' rules that fire on one row, in RULE_NAMES order:
 * RSI(14) > 70 overbought, RSI(14) < 30 oversold, MACD line > 0 (the line
 * itself above zero, not the histogram) macd_positive, close > SMA50 > SMA200
 * golden_cross, close < SMA50 < SMA200 death_cross, and `regime` bullish
 * regime_bullish (pass the market regime, see marketRegimeAt). Read from the
 * same feature row the models see; a value still in warm-up (NaN) fires
 * nothing.
 */
export function ruleSignalsAt(
  matrix: FeatureMatrix,
  row: number,
  regime: Regime | null,
  defaults: Config['signalWeights'],
): RuleSignal[] {
  const rsi = featureValue(matrix, row, 'rsi_14');
  const macdLine = featureValue(matrix, row, 'macd_line');
  // close / SMA − 1: above 0 means close above the average; SMA50 > SMA200
  // exactly when close / SMA200 > close / SMA50.
  const vsSma50 = featureValue(matrix, row, 'close_sma_50');
  const vsSma200 = featureValue(matrix, row, 'close_sma_200');
  const fired: Record<RuleName, boolean> = {
    overbought: rsi > OVERBOUGHT_RSI,
    oversold: rsi < OVERSOLD_RSI,
    macd_positive: macdLine > 0,
    golden_cross: vsSma50 > 0 && vsSma200 > vsSma50,
    death_cross: vsSma50 < 0 && vsSma200 < vsSma50,
    regime_bullish: regime === 'bullish',
  };
  return RULE_NAMES.filter((name) => fired[name]).map((name) => ({ name, value: defaults[name] }));
}

/**
 * The market regime on a row, as the model saw it: from the market context,
 * or from the symbol's own bars when features were computed without one.
 * Null while the regime is still in warm-up.
 */
export function marketRegimeAt(matrix: FeatureMatrix, row: number): Regime | null {
  return regimeFromOneHot(matrix, row, 'mkt_regime');
}

/** The symbol's own regime on a row; null while in warm-up. */
export function symbolRegimeAt(matrix: FeatureMatrix, row: number): Regime | null {
  return regimeFromOneHot(matrix, row, 'regime');
}

function regimeFromOneHot(matrix: FeatureMatrix, row: number, prefix: string): Regime | null {
  const bullish = featureValue(matrix, row, `${prefix}_bullish`);
  const bearish = featureValue(matrix, row, `${prefix}_bearish`);
  const volatile = featureValue(matrix, row, `${prefix}_volatile`);
  if (Number.isNaN(bullish) || Number.isNaN(bearish) || Number.isNaN(volatile)) return null;
  if (bullish === 1) return 'bullish';
  if (bearish === 1) return 'bearish';
  if (volatile === 1) return 'volatile';
  return 'sideways';
}
