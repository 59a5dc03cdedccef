import { DataError } from '../../errors.ts';

/** Sequences as the models take them: `samples × timesteps × features` values, row-major, and one target each. */
export interface SequenceSet {
  x: Float32Array;
  y: Float32Array;
  samples: number;
}

/**
 * One block per timestep, oldest first, as the training graph takes them:
 * block t is [F + 1, batch], row f holding feature f of timestep t of each
 * sample in `indices` order, and a last row of ones (the graph's bias input).
 */
export function stepBlocks(
  x: Float32Array,
  indices: ArrayLike<number>,
  timesteps: number,
  features: number,
): Float32Array[] {
  const batch = indices.length;
  const rows = features + 1;
  const steps: Float32Array[] = [];
  const buffer = new Float32Array(timesteps * rows * batch);
  for (let t = 0; t < timesteps; t++) {
    const block = buffer.subarray(t * rows * batch, (t + 1) * rows * batch);
    for (let r = 0; r < batch; r++) {
      const from = (indices[r] * timesteps + t) * features;
      for (let f = 0; f < features; f++) block[f * batch + r] = x[from + f];
    }
    block.fill(1, features * batch);
    steps.push(block);
  }
  return steps;
}

/** Throws DataError unless `set` holds `samples` finite sequences of the given shape. */
export function checkSequenceSet(
  set: SequenceSet,
  timesteps: number,
  features: number,
  name: string,
  withTargets = true,
): void {
  if (!Number.isInteger(set.samples) || set.samples < 0) {
    throw new DataError(
      `${name}: sample count must be a non-negative integer (got ${set.samples}).`,
    );
  }
  const expected = set.samples * timesteps * features;
  if (set.x.length !== expected) {
    throw new DataError(
      `${name}: x has ${set.x.length} values, expected ${set.samples} samples × ${timesteps} timesteps × ${features} features = ${expected}.`,
    );
  }
  const bad = firstNonFinite(set.x);
  if (bad >= 0) {
    const sample = Math.floor(bad / (timesteps * features));
    throw new DataError(`${name}: sample ${sample} has a non-finite input value (${set.x[bad]}).`);
  }
  if (!withTargets) return;
  if (set.y.length !== set.samples) {
    throw new DataError(`${name}: ${set.samples} samples but ${set.y.length} targets.`);
  }
  const badTarget = firstNonFinite(set.y);
  if (badTarget >= 0) {
    throw new DataError(
      `${name}: sample ${badTarget} has a non-finite target (${set.y[badTarget]}).`,
    );
  }
}

function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}
