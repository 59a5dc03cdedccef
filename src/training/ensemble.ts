/**
 * How components become one predicted return, identically in train (for the
 * walk-forward metrics) and predict (for the ledger).
 *
 * The rules component turns fired rule values into a return: each point of
 * rule value is RULES_RETURN_PER_POINT over the horizon (golden cross +0.4 →
 * +0.4%). The ensemble is the weighted mean of the available components.
 */
export const RULES_RETURN_PER_POINT = 0.01;

/** The key of the pooled model among fitted units (the others are symbols, for --per-symbol). */
export const POOLED_UNIT = '*';

export interface Components {
  xgb?: number;
  lstm?: number;
  rules: number;
}

export interface ComponentWeights {
  xgb: number;
  lstm: number;
  rules: number;
}

export function rulesComponent(weightedRuleValue: number): number {
  return RULES_RETURN_PER_POINT * weightedRuleValue;
}

export function combine(components: Components, weights: ComponentWeights): number {
  let sum = weights.rules * components.rules;
  let total = weights.rules;
  if (components.xgb !== undefined) {
    sum += weights.xgb * components.xgb;
    total += weights.xgb;
  }
  if (components.lstm !== undefined) {
    sum += weights.lstm * components.lstm;
    total += weights.lstm;
  }
  return total > 0 ? sum / total : 0;
}
