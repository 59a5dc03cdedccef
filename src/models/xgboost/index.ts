export { loadXGBoost, locateXGBoost, xgboostCandidates, xgboostStatus } from './library.ts';
export type { XGBoostLib, XGBoostStatus } from './library.ts';
export { DMatrix } from './dmatrix.ts';
export type { DMatrixOptions } from './dmatrix.ts';
export { Booster } from './booster.ts';
export type {
  BoosterTrainOptions,
  BoosterTrainResult,
  ImportanceType,
  XGBoostParams,
} from './booster.ts';
export { isMaximizedMetric, parseEvaluation } from './evaluation.ts';
export type { Evaluation } from './evaluation.ts';
