import type { Booster, XGBoostLib } from '../models/xgboost/index.ts';
import { withMatrix } from '../inference/score-components.ts';
import { rankInputName } from '../dataset/cross-section.ts';
import type { Contribution } from '../prediction/record.ts';

export type { Contribution };

/**
 * XGBoost's score for one row taken apart by exact TreeSHAP (pure once the
 * contributions are computed): margin = bias + Σ contributions, in either view.
 */
export interface Explanation {
  /** The model's expected score (base score and the trees' average), the same for every row. */
  bias: number;
  /** bias + Σ contributions: XGBoost's raw score (the prediction, for reg:squarederror). */
  margin: number;
  /**
   * Per underlying feature: the contribution of its scaled input plus that of its
   * per-date rank input; `value` is the feature in the stock's own units (RSI 72.3).
   */
  features: Contribution[];
  /** Per XGBoost input: `value` is what XGBoost saw (a standardised feature, or a centred rank). */
  inputs: Contribution[];
}

/**
 * Fold one row of per-input contributions (inputs = the features, then
 * `<feature>_cs_rank` for each ranked feature, then the bias) into an
 * explanation. `raw` is the row's features in featureNames order.
 */
export function explainRow(
  featureNames: readonly string[],
  rankedNames: readonly string[],
  inputValues: ArrayLike<number>,
  raw: ArrayLike<number>,
  contributions: ArrayLike<number>,
): Explanation {
  const width = featureNames.length;
  const inputCount = width + rankedNames.length;
  if (contributions.length !== inputCount + 1 || inputValues.length !== inputCount) {
    throw new Error(
      `contributions for ${contributions.length - 1} inputs, values for ${inputValues.length}, expected ${inputCount}`,
    );
  }
  const bias = contributions[inputCount];
  const inputs: Contribution[] = [];
  const features: Contribution[] = featureNames.map((feature, j) => ({
    feature,
    value: raw[j],
    contribution: contributions[j],
  }));
  for (let j = 0; j < width; j++) {
    inputs.push({
      feature: featureNames[j],
      value: inputValues[j],
      contribution: contributions[j],
    });
  }
  rankedNames.forEach((name, i) => {
    const at = width + i;
    inputs.push({
      feature: rankInputName(name),
      value: inputValues[at],
      contribution: contributions[at],
    });
    const feature = features[featureNames.indexOf(name)];
    if (!feature) throw new Error(`ranked feature ${name} is not a feature`);
    feature.contribution += contributions[at];
  });
  let margin = bias;
  for (let j = 0; j < inputCount; j++) margin += contributions[j];
  return { bias, margin, features: byMagnitude(features), inputs: byMagnitude(inputs) };
}

function byMagnitude(list: Contribution[]): Contribution[] {
  return list.sort(
    (a, b) =>
      Math.abs(b.contribution) - Math.abs(a.contribution) || (a.feature < b.feature ? -1 : 1),
  );
}

/** The `explain` of a prediction record: the `count` features that moved XGBoost most. */
export function topFeatures(explanation: Explanation, count = 5): Contribution[] {
  return explanation.features.slice(0, count).map((c) => ({
    feature: c.feature,
    value: roundSignificant(c.value, 8),
    contribution: roundSignificant(c.contribution, 6),
  }));
}

/** Exact contributions of every row of `inputs` (rows × width, row-major): rows × (width + 1). */
export function rowContributions(
  lib: XGBoostLib,
  booster: Booster,
  inputs: Float32Array,
  rows: number,
  width: number,
): Float32Array {
  return withMatrix(lib, inputs, rows, width, (matrix) => booster.contributions(matrix).values);
}

function roundSignificant(value: number, digits: number): number {
  return value === 0 || !Number.isFinite(value) ? value : Number(value.toPrecision(digits));
}
