import type { Config } from '../config.ts';
import type { Prediction, Verification } from '../ledger/records.ts';
import { movesWeights } from '../ledger/views.ts';
import type { PriceStore } from '../store/price-store.ts';
import { WeightState, type WeightChange } from './update.ts';

/** The current weights, loaded to continue updating. */
export function loadWeightState(store: PriceStore, config: Config): WeightState {
  return new WeightState(config.adaptation, store.weights.rows());
}

export function saveWeightChanges(
  store: PriceStore,
  state: WeightState,
  changes: readonly WeightChange[],
  now: string,
): void {
  store.weights.save((symbol, signal) => state.get(symbol, signal), changes, now);
}

/**
 * Rebuild weights from scratch by replaying every verification in the order
 * live verification applied them (see ledgerIndex.verifiedPredictions), against
 * its prediction (both from the rebuilt index).
 */
export function rebuildWeights(store: PriceStore, config: Config): number {
  store.weights.clear();
  const rows = store.ledgerIndex.verifiedPredictions();
  const state = new WeightState(config.adaptation);
  const changes: WeightChange[] = [];
  for (const row of rows) {
    const prediction = JSON.parse(row.prediction) as Prediction;
    if (!movesWeights(prediction)) continue;
    changes.push(...state.apply(prediction, JSON.parse(row.verification) as Verification));
  }
  saveWeightChanges(store, state, changes, rows.at(-1)?.verified_at ?? new Date(0).toISOString());
  return changes.length;
}
