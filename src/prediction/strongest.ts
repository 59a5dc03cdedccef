import type { Prediction } from '../ledger/records.ts';

/** What a model version's head weighs each component by, and the rules' scale. */
export interface HeadWeights {
  weights: Readonly<Record<string, number>>;
  scale: Readonly<Record<string, number>>;
}

const MODEL_SIGNALS = new Set(['xgb', 'lstm']);

/**
 * A recorded signal's pull on the ensemble score (pure): its value times the
 * stock's weight times the head's weight on its component — a model's value is
 * its centred score in spread units already; a rule's points are divided by the
 * rules' spread. Without the head (a model no longer in the home) the stock's
 * weight alone, as recorded.
 */
export function signalContribution(
  signal: { name: string; value: number; weight: number },
  head: HeadWeights | null,
): number {
  const base = signal.value * signal.weight;
  if (!head) return base;
  if (MODEL_SIGNALS.has(signal.name)) return base * (head.weights[signal.name] ?? 0);
  const scale = head.scale.rules;
  return (base * (head.weights.rules ?? 0)) / (scale && scale > 0 ? scale : 1);
}

/** The `count` signals that moved the score most; a component the head weighs 0 is never one. */
export function strongestSignals(
  record: Prediction,
  head: HeadWeights | null,
  count = 3,
): string[] {
  return record.signals
    .map((s) => ({ name: s.name, pull: Math.abs(signalContribution(s, head)) }))
    .filter((s) => s.pull > 0)
    .sort((a, b) => b.pull - a.pull)
    .slice(0, count)
    .map((s) => s.name);
}
