export type { FeatureMatrix } from './matrix.ts';
export { columnIndex, featureColumn, featureRow, featureValue, rowAsOf } from './matrix.ts';
export type { MarketContext } from './context.ts';
export {
  alignToContext,
  buildMarketContext,
  marketRegimeSeries,
  MARKET_VOLATILITY_PERIOD,
} from './context.ts';
export type { ComputeFeaturesOptions, FeatureName } from './feature-set.ts';
export { computeFeatures, FEATURE_NAMES } from './feature-set.ts';
export type { FeatureParameters } from './parameters.ts';
export { FEATURE_PARAMETERS } from './parameters.ts';
export type { FeatureSetIdentity } from './identity.ts';
export {
  assertFeatureSetMatches,
  FEATURE_CODE_VERSION,
  FEATURE_SET_VERSION,
  featureSetIdentity,
  REFERENCE_LIBRARY,
} from './identity.ts';
export type { ForwardLabels } from './labels.ts';
export { forwardLabels } from './labels.ts';
export type { Regime } from './regime.ts';
export {
  classifyRegime,
  REGIME_CODE,
  REGIME_UNKNOWN,
  regimeFromReturns,
  regimeName,
  REGIMES,
  regimeSeries,
} from './regime.ts';
export type { RuleName, RuleSignal } from './signals.ts';
export { marketRegimeAt, RULE_NAMES, ruleSignalsAt, symbolRegimeAt } from './signals.ts';
export type { FeatureRowRecord, FeatureRowsOptions, FeatureRowsReport } from './rows.ts';
export { featureReport, featureRowsToCsv, selectFeatureRows } from './rows.ts';
