import type { Config } from '../config.ts';
import type { Prediction, Verification } from '../ledger/records.ts';
import { NEUTRAL_WEIGHT } from './weights.ts';

/** The all-symbol weights live under this pseudo-symbol; per-stock weights shrink toward them. */
export const ALL_SYMBOLS = '*';

export interface WeightChange {
  prediction_id: string;
  symbol: string;
  signal: string;
  previous: number;
  current: number;
  reason: string;
  verified_at: string;
}

type Adaptation = Config['adaptation'];

/**
 * Weights and the recent hit history, updated one verified prediction at a
 * time (pure apart from this object; same inputs in the same order give the
 * same weights).
 *
 * For each signal the prediction carried (fired rules and model components):
 * the signal was right when the sign of its value matches the sign of the
 * realised change. Right: w × (1 + η); wrong: w × (1 − η); then the symbol's
 * weight is shrunk toward the all-symbol weight, w ← (1 − λ)·w + λ·w_all, and
 * clamped to [floor, cap]. The all-symbol weight takes the same step unshrunk.
 *
 * The seed systems' magnitude rule: once a symbol has `magnitudeWindow`
 * verified predictions, a hit rate under 50% over the last window scales its
 * predicted change down (magnitude × 0.95, not below 0.5), over 80% raises its
 * stated confidence (confidence × 1.05, at most 1.5); in between, both ease back
 * toward 1 by the same factors.
 */
export class WeightState {
  private readonly weights = new Map<string, Map<string, number>>();
  private readonly history = new Map<string, boolean[]>();
  private readonly settings: Adaptation;

  constructor(
    settings: Adaptation,
    initial: Iterable<{ symbol: string; signal: string; weight: number }> = [],
  ) {
    this.settings = settings;
    for (const row of initial) this.set(row.symbol, row.signal, row.weight);
  }

  get(symbol: string, signal: string): number {
    return this.weights.get(symbol)?.get(signal) ?? NEUTRAL_WEIGHT;
  }

  seedHistory(symbol: string, hits: boolean[]): void {
    this.history.set(symbol, hits.slice(-this.settings.magnitudeWindow));
  }

  /** Apply one verification; returns every weight it changed. */
  apply(prediction: Prediction, verification: Verification): WeightChange[] {
    if (verification.status !== 'verified' || verification.actual_change_pct === undefined)
      return [];
    const { learningRate, floor, cap, shrink } = this.settings;
    const realised = Math.sign(verification.actual_change_pct);
    const changes: WeightChange[] = [];
    const change = (symbol: string, signal: string, next: number, reason: string) => {
      const previous = this.get(symbol, signal);
      const current = Math.min(cap, Math.max(floor, next));
      if (current === previous) return;
      this.set(symbol, signal, current);
      changes.push({
        prediction_id: prediction.id,
        symbol,
        signal,
        previous,
        current,
        reason,
        verified_at: verification.verified_at,
      });
    };
    for (const signal of prediction.signals) {
      if (signal.value === 0 || realised === 0) continue;
      const right = Math.sign(signal.value) === realised;
      const step = right ? 1 + learningRate : 1 - learningRate;
      const verdict = `${right ? 'right' : 'wrong'}: signal ${signal.value > 0 ? 'up' : 'down'}, realised ${verification.actual_change_pct.toFixed(2)}%`;
      change(ALL_SYMBOLS, signal.name, this.get(ALL_SYMBOLS, signal.name) * step, verdict);
      const stepped = this.get(prediction.symbol, signal.name) * step;
      change(
        prediction.symbol,
        signal.name,
        (1 - shrink) * stepped + shrink * this.get(ALL_SYMBOLS, signal.name),
        verdict,
      );
    }
    if (verification.direction_hit !== undefined) {
      const hits = [
        ...(this.history.get(prediction.symbol) ?? []),
        verification.direction_hit,
      ].slice(-this.settings.magnitudeWindow);
      this.history.set(prediction.symbol, hits);
      if (hits.length >= this.settings.magnitudeWindow) {
        const rate = hits.filter(Boolean).length / hits.length;
        const label = `hit rate ${(rate * 100).toFixed(0)}% over the last ${hits.length}`;
        const magnitude = this.get(prediction.symbol, 'magnitude');
        const confidence = this.get(prediction.symbol, 'confidence');
        if (rate < 0.5)
          change(
            prediction.symbol,
            'magnitude',
            Math.max(0.5, magnitude * 0.95),
            `${label} < 50%: predicted change scaled down`,
          );
        else if (magnitude < 1)
          change(
            prediction.symbol,
            'magnitude',
            Math.min(1, magnitude / 0.95),
            `${label}: magnitude eases back toward 1`,
          );
        if (rate > 0.8)
          change(
            prediction.symbol,
            'confidence',
            Math.min(1.5, confidence * 1.05),
            `${label} > 80%: confidence raised`,
          );
        else if (confidence > 1)
          change(
            prediction.symbol,
            'confidence',
            Math.max(1, confidence / 1.05),
            `${label}: confidence eases back toward 1`,
          );
      }
    }
    return changes;
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
