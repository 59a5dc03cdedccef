import type { LstmModel } from '../models/lstm/index.ts';
import { DMatrix, type Booster, type XGBoostLib } from '../models/xgboost/index.ts';
import type { ModelInputs } from '../dataset/model-inputs.ts';
import type { Scaler } from '../dataset/scaler.ts';
import { columnIndices } from '../dataset/sequences.ts';

/** One fitted model set: the pooled one, or one symbol's (--per-symbol). */
export interface ModelUnit {
  xgb: Booster | null;
  lstm: LstmModel | null;
  /** The LSTM learns label / lstmTargetScale; its outputs are multiplied back. */
  lstmTargetScale: number;
}

/**
 * What scoring needs of a model: a fitted ensemble (walk-forward, the final
 * fit, an imported booster's refit) and a loaded version (predict, explain,
 * the backtest) both present it, so both score through `scoreComponents`.
 */
export interface ScoringModel {
  /** Moments from the training rows (per symbol for XGBoost, pooled for the LSTM). */
  scaler: Scaler;
  xgbLib: XGBoostLib | null;
  /** Features XGBoost also sees ranked across the date's universe, after the scaled ones. */
  featureRanks: readonly string[];
  lstmFeatures: readonly string[];
  lstmTimesteps: number;
  /** The unit that scores a symbol: the pooled model, or the symbol's own; null if none. */
  unitFor(symbol: string): ModelUnit | null;
}

/** The component models (the rules are no model: their points come with the inputs' rows). */
export type ModelKind = 'xgb' | 'lstm';

/** Items scored at a time per unit: a large universe's inputs are built block by block. */
const SCORING_BLOCK = 16384;

/**
 * The raw scores (the predicted label) of the `wanted` models for `items` of
 * an input source, each item by its symbol's unit, batched per unit in blocks;
 * NaN where no unit (or no such model in it) covers an item. `onXgbInputs`
 * receives each item's XGBoost input row (for explanations).
 */
export function scoreComponents(
  model: ScoringModel,
  inputs: ModelInputs,
  items: Int32Array,
  wanted: readonly ModelKind[],
  onXgbInputs?: (position: number, row: Float32Array) => void,
): Partial<Record<ModelKind, Float64Array>> {
  const out: Partial<Record<ModelKind, Float64Array>> = {};
  const lib = model.xgbLib;
  const xgb = wanted.includes('xgb') && lib ? (out.xgb = unknown(items.length)) : null;
  const lstm = wanted.includes('lstm') ? (out.lstm = unknown(items.length)) : null;
  const width = model.scaler.featureNames.length + model.featureRanks.length;
  let columns: Int32Array | null = null;
  for (const [unit, positions] of byUnit(model, inputs, items)) {
    for (let start = 0; start < positions.length; start += SCORING_BLOCK) {
      const block = positions.subarray(start, Math.min(start + SCORING_BLOCK, positions.length));
      const blockItems = Int32Array.from(block, (p) => items[p]);
      if (unit.xgb && lib && xgb) {
        // XGBoost's inputs: the scaled features, then their per-date ranks.
        const values = new Float32Array(block.length * width);
        inputs.xgbInputs(blockItems, model.scaler, values);
        if (onXgbInputs)
          block.forEach((p, i) => onXgbInputs(p, values.subarray(i * width, (i + 1) * width)));
        const scores = predictXgb(lib, unit.xgb, values, block.length, width);
        block.forEach((p, i) => (xgb[p] = scores[i]));
      }
      if (unit.lstm && lstm) {
        columns ??= columnIndices(model.scaler.featureNames, model.lstmFeatures);
        const x = inputs.lstmSequences(blockItems, model.scaler, columns, model.lstmTimesteps);
        const scores = unit.lstm.predict(x, block.length);
        block.forEach((p, i) => (lstm[p] = scores[i] * unit.lstmTargetScale));
      }
    }
  }
  return out;
}

/** Positions of `items` grouped by the unit that scores them, in order of first appearance. */
function byUnit(
  model: ScoringModel,
  inputs: ModelInputs,
  items: Int32Array,
): Map<ModelUnit, Int32Array> {
  const groups = new Map<ModelUnit, number[]>();
  items.forEach((item, p) => {
    const unit = model.unitFor(inputs.symbolOf(item));
    if (!unit) return;
    const list = groups.get(unit);
    if (list) list.push(p);
    else groups.set(unit, [p]);
  });
  return new Map([...groups].map(([unit, positions]) => [unit, Int32Array.from(positions)]));
}

/** Scores of `length` items, NaN (unknown) until set. */
export function unknown(length: number): Float64Array {
  return new Float64Array(length).fill(NaN);
}

/** One XGBoost prediction call over rows × width inputs. */
export function predictXgb(
  lib: XGBoostLib,
  booster: Booster,
  values: Float32Array,
  rows: number,
  width: number,
): Float64Array {
  return withMatrix(lib, values, rows, width, (matrix) =>
    Float64Array.from(booster.predict(matrix)),
  );
}

/** `use` on a DMatrix of rows × width inputs (row-major), freed afterwards. */
export function withMatrix<T>(
  lib: XGBoostLib,
  values: Float32Array,
  rows: number,
  width: number,
  use: (matrix: DMatrix) => T,
): T {
  const matrix = DMatrix.fromFloat32(lib, values, rows, width);
  try {
    return use(matrix);
  } finally {
    matrix.free();
  }
}
