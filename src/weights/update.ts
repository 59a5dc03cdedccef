import type { Config } from '../config.ts';
import type { WeightChangeRow } from '../store/weight-store.ts';
import type { Prediction, PredictionV2, Verification, VerificationV2 } from '../ledger/records.ts';
import { COMPONENTS, type ComponentName } from '../training/head.ts';
import { ALL_SYMBOLS, EVIDENCE, NEUTRAL_WEIGHT } from './weights.ts';

/** Signals of the all-symbol table that are not component weights (see WeightState). */
export const LOWER_WIDTH = 'interval_lower_width';
export const UPPER_WIDTH = 'interval_upper_width';
export const UP_ODDS = 'p_up_odds';
export const OUTPERFORM_ODDS = 'p_outperform_odds';

/** One move of a weight, as the store logs it. */
export type WeightChange = WeightChangeRow;

type Adaptation = Config['adaptation'];

/** One verified outcome's weight (ω), its universe's size and how a change is recorded. */
interface Step {
  omega: number;
  size: number;
  change: (symbol: string, signal: string, next: number, reason: string) => void;
}

const bounded = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/**
 * The learning loop's state, updated one verified prediction at a time (pure
 * apart from this object; the same inputs in the same order give the same
 * weights). Only `mlx.prediction/2` records verified with their universe's
 * move count: the outcome that matters is relative.
 *
 * Each verified prediction is one h-session outcome that overlaps the h − 1
 * predictions before it, so it counts 1/h (ω). For each component c (xgb,
 * lstm, rules) whose relative call r_c (its score minus the session's mean)
 * and the realised excess e are both non-zero, g = sign(r_c) · sign(e):
 *
 * - the all-stock weight: log W_c += η · ω · g / N (N: the universe's size, so
 *   one session moves it by η · ω · mean g);
 * - the stock's weight: log w_c += η · ω · g − λ · ω · (log w_c − log W_c),
 *   the step capped at ±`maxStep`, the weight kept in [floor, cap]. A stock's
 *   own weight is used only once it has `minEvidence` outcomes (Σ ω); before
 *   that it predicts with W_c.
 *
 * The interval's two sides (adaptive conformal inference, Gibbs & Candès
 * 2021, on a width multiplier per tail): log lower += γ · ω · (below −
 * (1 − level)/2) / N, and likewise the upper side, in [intervalFloor,
 * intervalCap] — a crash widens the lower side, not the upper. P(up) and
 * P(outperform) get an online intercept, kept as odds multipliers: log odds +=
 * κ · ω · (outcome − p) / N, within ±`calibrationBound` (κ per probability).
 */
export class WeightState {
  private readonly weights = new Map<string, Map<string, number>>();
  private readonly settings: Adaptation;

  constructor(
    settings: Adaptation,
    initial: Iterable<{ symbol: string; signal: string; weight: number }> = [],
  ) {
    this.settings = settings;
    for (const row of initial) this.set(row.symbol, row.signal, row.weight);
  }

  get(symbol: string, signal: string): number {
    return this.weights.get(symbol)?.get(signal) ?? (signal === EVIDENCE ? 0 : NEUTRAL_WEIGHT);
  }

  /** Apply one verification; returns every weight it changed. */
  apply(prediction: Prediction, verification: Verification): WeightChange[] {
    if (
      prediction.schema !== 'mlx.prediction/2' ||
      verification.schema !== 'mlx.verification/2' ||
      verification.status !== 'verified' ||
      verification.actual_change_pct === undefined
    )
      return [];
    const changes: WeightChange[] = [];
    const step: Step = {
      omega: 1 / prediction.horizon_days,
      size: Math.max(1, verification.universe_size ?? 1),
      change: (symbol, signal, next, reason) => {
        const previous = this.get(symbol, signal);
        if (next === previous) return;
        this.set(symbol, signal, next);
        changes.push({
          prediction_id: prediction.id,
          symbol,
          signal,
          previous,
          current: next,
          reason,
          verified_at: verification.verified_at,
        });
      },
    };
    this.moveComponents(prediction, verification, step);
    this.moveIntervalWidths(prediction, verification, step);
    this.recalibrate(prediction, verification, verification.actual_change_pct, step);
    return changes;
  }

  /** Each component's all-stock and own weight, on the relative call it made. */
  private moveComponents(prediction: PredictionV2, verification: VerificationV2, step: Step) {
    const s = this.settings;
    const { omega, size, change } = step;
    const excess = verification.actual_excess_pct;
    if (excess === undefined || !prediction.relative) return;
    const relative = prediction.relative;
    for (const name of COMPONENTS) {
      const call = relative[name as ComponentName];
      if (call === undefined || call === 0 || excess === 0) continue;
      const g = Math.sign(call) * Math.sign(excess);
      const verdict = `${g > 0 ? 'right' : 'wrong'}: ${name} ranked it ${call > 0 ? 'above' : 'below'} the session's mean, realised excess ${excess.toFixed(2)}%`;
      const all = Math.log(this.get(ALL_SYMBOLS, name));
      const nextAll = bounded(
        all + (s.learningRate * omega * g) / size,
        Math.log(s.floor),
        Math.log(s.cap),
      );
      change(ALL_SYMBOLS, name, Math.exp(nextAll), verdict);
      const own = Math.log(this.get(prediction.symbol, name));
      const ownStep = bounded(
        s.learningRate * omega * g - s.shrink * omega * (own - nextAll),
        -s.maxStep,
        s.maxStep,
      );
      change(
        prediction.symbol,
        name,
        Math.exp(bounded(own + ownStep, Math.log(s.floor), Math.log(s.cap))),
        verdict,
      );
    }
    change(
      prediction.symbol,
      EVIDENCE,
      this.get(prediction.symbol, EVIDENCE) + omega,
      'one more verified outcome (1/h)',
    );
  }

  /** The interval's two tails, each toward its share of misses. */
  private moveIntervalWidths(prediction: PredictionV2, verification: VerificationV2, step: Step) {
    const s = this.settings;
    const { omega, size, change } = step;
    if (verification.within_interval === undefined || verification.actual_price === undefined)
      return;
    const tail = (1 - prediction.interval.level) / 2;
    const sides = [
      {
        signal: LOWER_WIDTH,
        miss: verification.actual_price < prediction.interval.low,
        name: 'below',
      },
      {
        signal: UPPER_WIDTH,
        miss: verification.actual_price > prediction.interval.high,
        name: 'above',
      },
    ];
    for (const side of sides) {
      const width = Math.log(this.get(ALL_SYMBOLS, side.signal));
      change(
        ALL_SYMBOLS,
        side.signal,
        Math.exp(
          bounded(
            width + (s.intervalRate * omega * ((side.miss ? 1 : 0) - tail)) / size,
            Math.log(s.intervalFloor),
            Math.log(s.intervalCap),
          ),
        ),
        side.miss
          ? `realised ${side.name} the ${Math.round(prediction.interval.level * 100)}% interval`
          : `not ${side.name} the interval`,
      );
    }
  }

  /** The online intercepts of P(up) and P(outperform). */
  private recalibrate(
    prediction: PredictionV2,
    verification: VerificationV2,
    actualChangePct: number,
    step: Step,
  ) {
    const s = this.settings;
    const { omega, size, change } = step;
    const excess = verification.actual_excess_pct;
    const recalibrate = (
      signal: string,
      rate: number,
      outcome: boolean,
      probability: number,
      what: string,
    ) => {
      if (rate === 0) return;
      const odds = Math.log(this.get(ALL_SYMBOLS, signal));
      const bound = s.calibrationBound;
      change(
        ALL_SYMBOLS,
        signal,
        Math.exp(
          bounded(odds + (rate * omega * ((outcome ? 1 : 0) - probability)) / size, -bound, bound),
        ),
        `${what} ${outcome ? 'happened' : 'did not'} at P ${probability.toFixed(3)}`,
      );
    };
    recalibrate(UP_ODDS, s.upCalibrationRate, actualChangePct > 0, prediction.probability_up, 'up');
    if (excess !== undefined && excess !== 0)
      recalibrate(
        OUTPERFORM_ODDS,
        s.outperformCalibrationRate,
        excess > 0,
        prediction.probability_outperform,
        'outperform',
      );
  }

  entries(): { symbol: string; signal: string; weight: number }[] {
    return [...this.weights].flatMap(([symbol, table]) =>
      [...table].map(([signal, weight]) => ({ symbol, signal, weight })),
    );
  }

  private set(symbol: string, signal: string, weight: number): void {
    const table = this.weights.get(symbol) ?? new Map<string, number>();
    table.set(signal, weight);
    this.weights.set(symbol, table);
  }
}
