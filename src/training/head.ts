import { mean, quantile } from '../evaluation/stats.ts';
import { fitPlatt, fitSlopeWithOffset, type Calibration } from './calibration.ts';
import { rowsByDate } from '../dataset/cross-section.ts';
import { dailyRankIcSeries, meanOfFinite, rankIcByDate } from './daily-rank-ic.ts';
import {
  blendWeights,
  selectWeights,
  type BlendEvidence,
  type HeadWeighting,
} from './head-weights.ts';

/**
 * The head turns component scores into a forecast, and every figure in it is
 * fitted on validation rows (drift and the base rate on training rows), never
 * on the rows it is judged on (pure):
 *
 * - each component's score is divided by its cross-sectional spread, so
 *   scores of different units (a rank label, rule points) mix;
 * - the ensemble score is a weighted sum of those, with weights from each
 *   component's Rank IC shrunk by its significance (see head-weights.ts):
 *   'select' (train.head) uses the best component on validation alone unless
 *   the blend ranks the validation rows better by more than one standard
 *   error; 'blend' keeps every component with skill, judged on earlier folds'
 *   test rows when there are enough of them;
 * - the expected excess return is the ensemble score, centred on its date's
 *   mean, times a slope fitted on validation excess returns;
 * - the absolute forecast is drift (the training rows' mean forward return
 *   across the universe) plus that excess;
 * - P(up) is logistic: the base rate for the stock's volatility (drift over
 *   volatility, fitted on training rows) plus the expected excess over
 *   volatility, whose slope is fitted on validation rows; P(outperform) is
 *   logistic in the centred score, fitted on validation rows;
 * - the interval is conformal on volatility-scaled residuals: the 10% and 90%
 *   quantiles of (realised − forecast) / scale on validation rows, where the
 *   scale is the row's short-window volatility (see volatilitiesAt).
 */
export const COMPONENTS = ['xgb', 'lstm', 'rules'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

export const INTERVAL_LEVEL = 0.8;

/** A fitted head (stored in the manifest as params.head; see registry/manifest.ts). */
export interface Head {
  components: ComponentName[];
  /** Cross-sectional standard deviation of each component's raw score on validation rows. */
  scale: Record<string, number>;
  /** Ensemble weights on the scaled scores (non-negative, summing to 1). */
  weights: Record<string, number>;
  weighting: string;
  validation_rank_ic: Record<string, number | null>;
  /** Log-return excess per unit of centred ensemble score. */
  excess_per_score: number;
  /** Mean forward log return over the horizon across the universe, training rows. */
  drift: number;
  /** P(up) = σ(intercept + drift_slope · drift / vol + excess_slope · excess / vol). */
  probability_up: { intercept: number; drift_slope: number; excess_slope: number };
  probability_outperform: Calibration;
  interval: {
    level: number;
    /** Quantiles of (realised − forecast) / interval scale. */
    low: number;
    high: number;
  };
}

export type ComponentScores = Partial<Record<ComponentName, Float64Array>>;

export interface HeadFitRows {
  dateIndex: Int32Array;
  components: ComponentScores;
  /** Realised forward log return and its excess over the date mean. */
  forward: Float64Array;
  excess: Float64Array;
  volatility: Float64Array;
  intervalScale: Float64Array;
}

export interface TrainingBase {
  /** The label's horizon in sessions (daily figures of h-session returns overlap by h − 1). */
  horizonDays: number;
  /** Mean over training dates of the universe's mean forward return. */
  drift: number;
  /** Share of training rows that went up: overall, and after a day up or down (naive baselines). */
  upRate: number;
  /** The base rate of going up as a function of drift / volatility: σ(a · drift / vol + b). */
  upGivenVolatility: Calibration;
  upRateAfterUp: number;
  upRateAfterDown: number;
}

export interface Forecast {
  /** Ensemble score (scaled units) and its centred value. */
  score: Float64Array;
  centred: Float64Array;
  excess: Float64Array;
  forecast: Float64Array;
  probabilityUp: Float64Array;
  probabilityOutperform: Float64Array;
  low: Float64Array;
  high: Float64Array;
}

/** Per-row multipliers on each component (per-stock weights); 1 when absent. */
export type ComponentMultipliers = (row: number, component: ComponentName) => number;

export function fitHead(
  rows: HeadFitRows,
  base: TrainingBase,
  options: { weighting?: HeadWeighting; evidence?: BlendEvidence; blendShrink?: number } = {},
): Head {
  const names = COMPONENTS.filter((c) => rows.components[c] !== undefined);
  const groups = [...rowsByDate(rows.dateIndex)].sort((a, b) => a[0] - b[0]).map((g) => g[1]);
  const scale: Record<string, number> = {};
  const ic: Record<string, number | null> = {};
  const validationDaily: Record<string, number[]> = {};
  for (const name of names) {
    const scores = rows.components[name] as Float64Array;
    scale[name] = crossSectionalSpread(scores, groups) || 1;
    validationDaily[name] = dailyRankIcSeries(scores, rows.forward, groups);
    ic[name] = validationDaily[name].length ? mean(validationDaily[name]) : null;
  }
  const scaled = (name: ComponentName, r: number) =>
    (rows.components[name] as Float64Array)[r] / scale[name];
  const ensembleOf = (weights: Record<string, number>) => {
    const score = new Float64Array(rows.dateIndex.length);
    for (let r = 0; r < score.length; r++) {
      let sum = 0;
      for (const n of names) if (weights[n] > 0) sum += weights[n] * scaled(n, r);
      score[r] = sum;
    }
    return score;
  };
  const candidate = (weights: Record<string, number>, how: string) => {
    const score = ensembleOf(weights);
    return { weights, how, score, daily: rankIcByDate(score, rows.forward, groups) };
  };
  const chosen =
    (options.weighting ?? 'select') === 'blend'
      ? blendWeights(
          names,
          validationDaily,
          options.evidence ?? {},
          base.horizonDays,
          options.blendShrink,
        )
      : selectWeights(
          names,
          validationDaily,
          (weights) => candidate(weights, '').daily,
          base.horizonDays,
        );
  const best = candidate(chosen.weights, chosen.how);
  const bestIc = meanOfFinite(best.daily);
  ic.ensemble = Number.isFinite(bestIc) ? bestIc : null;

  const centred = centreByDate(best.score, groups);
  const slope = Math.max(0, regressionThroughOrigin(centred, rows.excess));
  const n = rows.dateIndex.length;
  const forecast = Float64Array.from(centred, (c) => base.drift + slope * c);
  const z = new Float64Array(n);
  for (let r = 0; r < n; r++) z[r] = (rows.forward[r] - forecast[r]) / rows.intervalScale[r];
  return {
    components: names,
    scale,
    weights: best.weights,
    weighting: best.how,
    validation_rank_ic: ic,
    excess_per_score: slope,
    drift: base.drift,
    probability_up: {
      intercept: base.upGivenVolatility.b,
      drift_slope: base.upGivenVolatility.a,
      excess_slope: fitSlopeWithOffset(
        Float64Array.from(centred, (c, r) => (slope * c) / rows.volatility[r]),
        Float64Array.from(rows.forward, (y) => (y > 0 ? 1 : 0)),
        Float64Array.from(
          rows.volatility,
          (vol) => base.upGivenVolatility.b + (base.upGivenVolatility.a * base.drift) / vol,
        ),
      ),
    },
    probability_outperform: fitPlatt(
      centred,
      Float64Array.from(rows.excess, (e) => (e > 0 ? 1 : 0)),
    ),
    interval: { level: INTERVAL_LEVEL, low: quantile(z, 0.1), high: quantile(z, 0.9) },
  };
}

/**
 * The forecast for rows scored together; rows of one date form its cross-section,
 * whose mean ensemble score is what the excess is measured from.
 */
export function applyHead(
  head: Head,
  rows: {
    dateIndex: Int32Array;
    components: ComponentScores;
    volatility: Float64Array;
    intervalScale: Float64Array;
    multipliers?: ComponentMultipliers;
    /** What the learning loop learned since training (README, "How the weights adapt"). */
    adapted?: {
      /** Multiply the interval's lower and upper quantiles (adaptive conformal widths). */
      lowerWidth: number;
      upperWidth: number;
      /** Multiply the odds of P(up) and P(outperform) (online intercepts). */
      upOdds: number;
      outperformOdds: number;
    };
  },
): Forecast {
  const n = rows.dateIndex.length;
  const score = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (const name of head.components) {
      const weight = head.weights[name] ?? 0;
      const value = rows.components[name]?.[r];
      if (weight === 0 || value === undefined) continue;
      sum += weight * (rows.multipliers?.(r, name) ?? 1) * (value / head.scale[name]);
    }
    score[r] = sum;
  }
  const centred = centreByDate(score, rowsByDate(rows.dateIndex).values());
  const forecast: Forecast = {
    score,
    centred,
    excess: new Float64Array(n),
    forecast: new Float64Array(n),
    probabilityUp: new Float64Array(n),
    probabilityOutperform: new Float64Array(n),
    low: new Float64Array(n),
    high: new Float64Array(n),
  };
  const adapted = rows.adapted ?? { lowerWidth: 1, upperWidth: 1, upOdds: 1, outperformOdds: 1 };
  for (let r = 0; r < n; r++) {
    const excess = head.excess_per_score * centred[r];
    const mu = head.drift + excess;
    const vol = rows.volatility[r];
    forecast.excess[r] = excess;
    forecast.forecast[r] = mu;
    const up = head.probability_up;
    const upLogit = up.intercept + (up.drift_slope * head.drift + up.excess_slope * excess) / vol;
    forecast.probabilityUp[r] = sigmoid(upLogit + Math.log(adapted.upOdds));
    forecast.probabilityOutperform[r] = sigmoid(
      head.probability_outperform.a * centred[r] +
        head.probability_outperform.b +
        Math.log(adapted.outperformOdds),
    );
    const scale = rows.intervalScale[r];
    forecast.low[r] = mu + head.interval.low * adapted.lowerWidth * scale;
    forecast.high[r] = mu + head.interval.high * adapted.upperWidth * scale;
  }
  return forecast;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Each value minus the mean of its date's values. */
export function centreByDate(
  values: Float64Array,
  groups: Iterable<readonly number[]>,
): Float64Array {
  const out = new Float64Array(values.length);
  for (const rows of groups) {
    const m = mean(rows.map((r) => values[r]));
    for (const r of rows) out[r] = values[r] - m;
  }
  return out;
}

/** Pooled standard deviation of values around their date means. */
function crossSectionalSpread(values: Float64Array, groups: readonly number[][]): number {
  const centred = centreByDate(values, groups);
  let ss = 0;
  for (const v of centred) ss += v * v;
  return centred.length > 1 ? Math.sqrt(ss / centred.length) : 0;
}

function regressionThroughOrigin(x: Float64Array, y: Float64Array): number {
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += x[i] * y[i];
    sxx += x[i] * x[i];
  }
  return sxx > 0 ? sxy / sxx : 0;
}

export type { Calibration, BlendEvidence, HeadWeighting };
