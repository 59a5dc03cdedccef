import crypto from 'node:crypto';
import type { Regime, RuleSignal } from '../features/index.ts';
import type { Prediction } from '../ledger/records.ts';
import { calibrated, type Calibration } from '../training/calibration.ts';
import { combine, rulesComponent, type ComponentWeights } from '../training/ensemble.ts';
import { weightOf, type WeightTable } from '../weights/weights.ts';

export interface PredictionInput {
  symbol: string;
  asOf: string;
  createdAt: string;
  horizonDays: number;
  targetDate: string;
  /** The as-traded close at as_of, and the adjustment factor the store applied to it then. */
  close: number;
  adjFactor: number;
  models: { xgb?: number; lstm?: number };
  rules: readonly RuleSignal[];
  regime: Regime | null;
  weights: WeightTable;
  model: {
    name: string;
    version: string;
    featureSet: string;
    weights: ComponentWeights;
    calibration: Calibration;
    interval: { level: number; low: number; high: number };
  };
}

/** Stable id: the same symbol, session, horizon and model version always hash the same. */
export function predictionId(
  symbol: string,
  asOf: string,
  horizonDays: number,
  modelName: string,
  modelVersion: string,
): string {
  return crypto
    .createHash('sha256')
    .update(`${symbol}|${asOf}|${horizonDays}|${modelName}/${modelVersion}`)
    .digest('hex')
    .slice(0, 24);
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Combine the components with the symbol's weights into the ledger record
 * (pure). Rules fire with their default values times the symbol's weight for
 * each; models enter the ensemble with their base weight times the symbol's.
 */
export function buildPrediction(input: PredictionInput): Prediction {
  const { weights, model } = input;
  const weightedRules = input.rules.reduce(
    (sum, rule) => sum + rule.value * weightOf(weights, rule.name),
    0,
  );
  const rules = rulesComponent(weightedRules);
  const ensembleWeights: ComponentWeights = {
    xgb: model.weights.xgb * weightOf(weights, 'xgb'),
    lstm: model.weights.lstm * weightOf(weights, 'lstm'),
    rules: model.weights.rules,
  };
  const ensemble = combine({ ...input.models, rules }, ensembleWeights);
  const predicted = ensemble * weightOf(weights, 'magnitude');
  const probabilityUp = calibrated(model.calibration, ensemble);

  // Confidence: how decided the calibrated probability is, and how many components agree.
  const direction = predicted >= 0 ? 1 : -1;
  const votes = [
    input.models.xgb,
    input.models.lstm,
    weightedRules !== 0 ? rules : undefined,
  ].filter((v): v is number => v !== undefined);
  const agreement = votes.length
    ? votes.filter((v) => Math.sign(v) === direction).length / votes.length
    : 0.5;
  const confidence = Math.min(
    1,
    (0.5 * Math.abs(2 * probabilityUp - 1) + 0.5 * agreement) * weightOf(weights, 'confidence'),
  );

  const price = (logReturn: number) => round(input.close * Math.exp(logReturn), 4);
  return {
    schema: 'mlx.prediction/1',
    id: predictionId(input.symbol, input.asOf, input.horizonDays, model.name, model.version),
    symbol: input.symbol,
    as_of: input.asOf,
    created_at: input.createdAt,
    horizon_days: input.horizonDays,
    target_date: input.targetDate,
    current_price: input.close,
    predicted_price: price(predicted),
    predicted_change_pct: round(Math.expm1(predicted) * 100, 3),
    interval: {
      level: model.interval.level,
      low: price(predicted + model.interval.low),
      high: price(predicted + model.interval.high),
    },
    direction: direction > 0 ? 'up' : 'down',
    probability_up: round(probabilityUp, 4),
    confidence: round(confidence, 4),
    market_regime: input.regime,
    signals: [
      ...input.rules.map((rule) => ({
        name: rule.name,
        value: rule.value,
        weight: round(weightOf(weights, rule.name), 6),
      })),
      ...(['xgb', 'lstm'] as const)
        .filter((name) => input.models[name] !== undefined)
        .map((name) => ({
          name,
          value: round(input.models[name] as number, 6),
          weight: round(weightOf(weights, name), 6),
        })),
    ],
    components: {
      ...(input.models.xgb !== undefined ? { xgb: round(input.models.xgb, 6) } : {}),
      ...(input.models.lstm !== undefined ? { lstm: round(input.models.lstm, 6) } : {}),
      rules: round(rules, 6),
    },
    model: { name: model.name, version: model.version, feature_set: model.featureSet },
    price_basis: { close: input.close, adj_factor: input.adjFactor },
  };
}
