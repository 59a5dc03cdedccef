import { check } from './library.ts';
import type { NativeHandle, XGBoostLib } from './library.ts';
import type { DMatrix } from './dmatrix.ts';
import { BestRound, parseEvaluation } from './evaluation.ts';
import type { BoosterTrainResult, Evaluation } from './evaluation.ts';

export interface BoosterTrainOptions {
  train: DMatrix;
  /** Evaluated every round; required for early stopping. */
  valid?: DMatrix;
  /** Maximum boosting rounds. */
  rounds: number;
  /** Stop when the watched validation metric has not improved for this many rounds. */
  earlyStoppingRounds?: number;
  /**
   * Early stopping on a score of the validation predictions instead of an
   * XGBoost metric (higher is better): checked every `every` rounds, stopping
   * after `patience` rounds without a better score, keeping the best round.
   */
  validationScore?: {
    name: string;
    every: number;
    patience: number;
    score(predictions: Float32Array): number;
  };
  /** After every round; `evaluation` is empty when nothing was evaluated that round. */
  onIteration?(iteration: number, evaluation: Evaluation): void;
}

/**
 * The boosting rounds of Booster.train on a native booster made for `matrices`
 * (train, then valid if any): one update per round, evaluation and early
 * stopping as `options` ask. Returns the rounds run and the best round.
 */
export function boostRounds(
  lib: XGBoostLib,
  handle: NativeHandle,
  matrices: NativeHandle[],
  options: BoosterTrainOptions,
  predictValid: () => Float32Array,
): BoosterTrainResult {
  const { train, valid, rounds, earlyStoppingRounds } = options;
  const custom = options.validationScore;
  const evaluate =
    !custom && (earlyStoppingRounds !== undefined || options.onIteration !== undefined);
  const names = valid ? ['train', 'valid'] : ['train'];
  const tracker = custom
    ? new BestRound('valid', custom.patience, true)
    : new BestRound(valid ? 'valid' : 'train', earlyStoppingRounds);
  let roundsRun = 0;
  for (let iteration = 0; iteration < rounds; iteration++) {
    check(
      lib,
      lib.api.XGBoosterUpdateOneIter(handle, iteration, train.handle),
      'XGBoosterUpdateOneIter',
    );
    roundsRun = iteration + 1;
    if (custom && valid) {
      options.onIteration?.(iteration, {});
      if (roundsRun % custom.every !== 0 && roundsRun !== rounds) continue;
      const score = custom.score(predictValid());
      if (tracker.record(iteration, { valid: { [custom.name]: score } }) === 'stop') break;
      continue;
    }
    if (!evaluate) continue;
    const out: [string | null] = [null];
    check(
      lib,
      lib.api.XGBoosterEvalOneIter(handle, iteration, matrices, names, matrices.length, out),
      'XGBoosterEvalOneIter',
    );
    const evaluation = parseEvaluation(out[0] ?? '');
    options.onIteration?.(iteration, evaluation);
    if (tracker.record(iteration, evaluation) === 'stop') break;
  }

  return tracker.result(roundsRun);
}
