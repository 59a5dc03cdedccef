export { loadXGBoost, locateXGBoost, xgboostCandidates, xgboostStatus } from './library.ts';
export type { XGBoostLib, XGBoostStatus } from './library.ts';
export { DMatrix } from './dmatrix.ts';
export type { DMatrixOptions } from './dmatrix.ts';
export { Booster } from './booster.ts';
export type { BoosterTrainOptions, ImportanceType } from './booster.ts';
export type { XGBoostParams } from './params.ts';
export { BestRound, isMaximizedMetric, parseEvaluation } from './evaluation.ts';
export type { BoosterTrainResult, Evaluation } from './evaluation.ts';
