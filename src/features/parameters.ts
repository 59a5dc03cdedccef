import { MARKET_VOLATILITY_PERIOD } from './context.ts';

/**
 * Every window and constant of feature set v1. Part of the feature-set hash:
 * change one and every stored model built on the old value is refused.
 */
export const FEATURE_PARAMETERS = {
  returnLags: [1, 2, 3, 5, 10, 20, 60],
  rsiPeriod: 14,
  macd: { fast: 12, slow: 26, signal: 9 },
  smaPeriods: [20, 50, 200],
  emaPeriods: [12, 26],
  bollinger: { period: 20, stdDev: 2 },
  stochastic: { period: 14, signal: 3 },
  williamsRPeriod: 14,
  atrPeriod: 14,
  adxPeriod: 14,
  obvSlopePeriod: 20,
  cciPeriod: 20,
  mfiPeriod: 14,
  volumePeriod: 20,
  volatilityPeriods: [5, 20, 60],
  momentsPeriod: 20,
  yearSessions: 252,
  market: {
    returnLags: [1, 5, 20],
    volatilityPeriod: MARKET_VOLATILITY_PERIOD,
    betaPeriod: 60,
    relativeStrengthLags: [20, 60],
  },
} as const;

export type FeatureParameters = typeof FEATURE_PARAMETERS;
