import crypto from 'node:crypto';
import type { Regime, RuleSignal } from '../features/index.ts';
import type { PredictionV2 } from '../ledger/records.ts';
import { INTERVAL_LEVEL } from '../training/head.ts';
import type { TargetForecast } from './score.ts';

/** One term of an explanation: what it was, and how much it moved XGBoost's score. */
export interface Contribution {
  feature: string;
  value: number;
  contribution: number;
}

export interface PredictionInput {
  symbol: string;
  asOf: string;
  createdAt: string;
  horizonDays: number;
  targetDate: string;
  /** The as-traded close at as_of, and the adjustment factor the store applied to it then. */
  close: number;
  adjFactor: number;
  forecast: TargetForecast;
  /** The universe's expected log return over the horizon (the head's drift). */
  drift: number;
  rules: readonly RuleSignal[];
  regime: Regime | null;
  model: { name: string; version: string; featureSet: string };
  /** The features that moved the XGBoost component most (see explain/contributions.ts). */
  explain?: Contribution[];
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
const pct = (logReturn: number) => round(Math.expm1(logReturn) * 100, 3);

/**
 * The ledger record for one forecast (pure). Direction is up exactly when
 * P(up) ≥ 0.5. Confidence is how decided P(outperform) is and how many
 * components agree with the ensemble's relative call. Each signal carries the
 * weight its component had for this stock (rules share the rules component's).
 */
export function buildPrediction(input: PredictionInput): PredictionV2 {
  const { forecast, model } = input;
  const weightOf = (name: 'xgb' | 'lstm' | 'rules') => round(forecast.weights[name] ?? 1, 6);
  const relative = Math.sign(forecast.centredScore);
  const votes = Object.entries(forecast.centred).filter(
    ([name, value]) => value !== 0 && (name !== 'rules' || input.rules.length > 0),
  );
  const agreement = votes.length
    ? votes.filter(([, value]) => Math.sign(value) === relative).length / votes.length
    : 0.5;
  const confidence = 0.5 * Math.abs(2 * forecast.probabilityOutperform - 1) + 0.5 * agreement;
  const price = (logReturn: number) => round(input.close * Math.exp(logReturn), 4);
  // Direction from the probability as recorded, so the two can never disagree on the page.
  const probabilityUp = round(forecast.probabilityUp, 4);
  const modelSignals = (['xgb', 'lstm'] as const).filter((n) => forecast.scaled[n] !== undefined);
  return {
    schema: 'mlx.prediction/2',
    id: predictionId(input.symbol, input.asOf, input.horizonDays, model.name, model.version),
    symbol: input.symbol,
    as_of: input.asOf,
    created_at: input.createdAt,
    horizon_days: input.horizonDays,
    target_date: input.targetDate,
    current_price: input.close,
    predicted_price: price(forecast.forecast),
    predicted_change_pct: pct(forecast.forecast),
    interval: { level: INTERVAL_LEVEL, low: price(forecast.low), high: price(forecast.high) },
    direction: probabilityUp >= 0.5 ? 'up' : 'down',
    probability_up: probabilityUp,
    confidence: round(confidence, 4),
    market_regime: input.regime,
    signals: [
      ...input.rules.map((rule) => ({
        name: rule.name,
        value: rule.value,
        weight: weightOf('rules'),
      })),
      ...modelSignals.map((name) => ({
        name,
        value: round(forecast.centred[name] as number, 6),
        weight: weightOf(name),
      })),
    ],
    components: {
      ...Object.fromEntries(modelSignals.map((n) => [n, round(forecast.scaled[n] as number, 6)])),
      rules: round(forecast.scaled.rules ?? 0, 6),
    },
    model: { name: model.name, version: model.version, feature_set: model.featureSet },
    price_basis: { close: input.close, adj_factor: input.adjFactor },
    expected_excess_pct: pct(forecast.excess),
    drift_pct: pct(input.drift),
    rank_pct: round(forecast.rankPct, 2),
    probability_outperform: round(forecast.probabilityOutperform, 4),
    ensemble_score: round(forecast.score, 6),
    relative: {
      ...Object.fromEntries(modelSignals.map((n) => [n, round(forecast.centred[n] as number, 6)])),
      rules: round(forecast.centred.rules ?? 0, 6),
    },
    volatility: round(forecast.volatility, 6),
    interval_scale: round(forecast.intervalScale, 6),
    ...(input.explain ? { explain: input.explain } : {}),
  };
}
