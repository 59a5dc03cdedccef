import type * as TfModule from '@tensorflow/tfjs';
import { DataError } from '../../errors.ts';
import { createRandom, shuffledIndices } from '../../random.ts';
import { initTensorflow } from '../tf-backend.ts';
import type { Tf } from '../tf-backend.ts';
import { checkSequenceSet, stepBlocks } from './batches.ts';
import type { SequenceSet } from './batches.ts';
import { validateLstmConfig } from './config.ts';
import type { LstmConfig } from './config.ts';
import { TrainingGraph } from './graph.ts';
import { LstmModel } from './model.ts';
import { initialWeights } from './weights.ts';
import type { LstmWeights } from './weights.ts';

/** Epochs are numbered from 1. */
export interface LstmEpoch {
  epoch: number;
  epochs: number;
  /** Mean squared error over the training samples during the epoch. */
  loss: number;
  /** Mean squared error on the validation samples after the epoch; null without any. */
  valLoss: number | null;
  bestEpoch: number;
  /** Training samples per second in this epoch (validation excluded). */
  samplesPerSecond: number;
}

/**
 * Validation samples, and optionally what early stopping maximises on them
 * (given the model's predictions, in sample order) instead of minimising
 * their mean squared error.
 */
export interface ValidationSet extends SequenceSet {
  score?(predicted: Float32Array): number;
}

export interface LstmTrainCallbacks {
  onEpoch?(epoch: LstmEpoch): void;
}

export interface LstmTrainResult {
  /** Holds the weights of `bestEpoch`. */
  model: LstmModel;
  epochsRun: number;
  bestEpoch: number;
  history: { epoch: number; loss: number; valLoss: number | null }[];
  /** Training samples per second over all epochs (validation excluded). */
  samplesPerSecond: number;
  /** The TensorFlow.js backend that trained it: 'tensorflow', 'wasm' or 'cpu'. */
  backend: string;
}

/** Samples per forward pass when scoring the validation set. */
const EVALUATION_BATCH = 1024;

/**
 * Train the LSTM regressor on `train` (x: samples × timesteps × features,
 * row-major; y: one target per sample, e.g. a scaled forward log return),
 * minimising mean squared error with Adam.
 *
 * Early stopping: after each epoch the validation loss is measured (or
 * `valid.score`, when given, is taken of the validation predictions); training
 * stops after `patience` epochs without a better one and the model returned
 * holds the best epoch's weights. With no validation samples every epoch runs
 * and the last one is kept.
 *
 * Deterministic for a given backend: weights are drawn from `seed`, epoch e
 * visits the samples in `shuffledIndices(n, createRandom(seed + e))` order,
 * and there is no dropout (tfjs's is not seedable) — so the same inputs and
 * seed give the same model. Training never prints; progress goes to
 * `callbacks.onEpoch`. Uses the backend `initTensorflow` selected.
 */
export async function trainLstm(
  train: SequenceSet,
  valid: ValidationSet,
  config: LstmConfig,
  callbacks: LstmTrainCallbacks = {},
  /** Start from these weights (a previous fit of the same shape) instead of seeded ones. */
  initial?: LstmWeights,
): Promise<LstmTrainResult> {
  validateLstmConfig(config);
  const { timesteps, features, units, denseUnits, epochs, batchSize, patience, seed } = config;
  checkSequenceSet(train, timesteps, features, 'LSTM training set');
  checkSequenceSet(valid, timesteps, features, 'LSTM validation set');
  if (train.samples === 0) throw new DataError('LSTM training set has no samples.');

  const { tf, backend } = await initTensorflow();
  const shape = { features, units, denseUnits };
  const graph = new TrainingGraph(tf, shape, initial ?? initialWeights(shape, createRandom(seed)));
  const optimizer = tf.train.adam(config.learningRate);
  try {
    const history: LstmTrainResult['history'] = [];
    let best: { epoch: number; loss: number; weights: LstmWeights } | null = null;
    let trainingSeconds = 0;

    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = shuffledIndices(train.samples, createRandom(seed + epoch - 1));
      const started = performance.now();
      let squaredErrorSum = 0;
      for (let start = 0; start < train.samples; start += batchSize) {
        const indices = order.subarray(start, Math.min(start + batchSize, train.samples));
        const steps = stepTensors(tf, train.x, indices, timesteps, features);
        const targets = targetTensor(tf, train.y, indices);
        try {
          const cost = optimizer.minimize(
            () => tf.losses.meanSquaredError(targets, graph.forward(steps)) as TfModule.Scalar,
            true,
            graph.variables,
          );
          squaredErrorSum += (cost?.dataSync()[0] ?? Number.NaN) * indices.length;
          cost?.dispose();
        } finally {
          tf.dispose([...steps, targets]);
        }
      }
      const seconds = (performance.now() - started) / 1000;
      trainingSeconds += seconds;

      const loss = squaredErrorSum / train.samples;
      if (!Number.isFinite(loss)) {
        throw new DataError(
          `LSTM training diverged at epoch ${epoch} (loss ${loss}); check that inputs and targets are scaled.`,
        );
      }
      const validation =
        valid.samples > 0
          ? validationPass(tf, graph, valid, timesteps, features, valid.score !== undefined)
          : null;
      const valLoss = validation?.loss ?? null;
      // Lower is better: the validation loss, or minus the validation score when there is one.
      const validScore =
        validation?.predicted && valid.score ? valid.score(validation.predicted) : NaN;
      const score = Number.isFinite(validScore) ? -validScore : (valLoss ?? loss);
      const improved = best === null || score < best.loss || valLoss === null;
      if (improved) best = { epoch, loss: score, weights: graph.snapshot() };
      history.push({ epoch, loss, valLoss });
      callbacks.onEpoch?.({
        epoch,
        epochs,
        loss,
        valLoss,
        bestEpoch: best?.epoch ?? epoch,
        samplesPerSecond: train.samples / seconds,
      });
      if (!improved && best && epoch - best.epoch >= patience) break;
      // Let timers and signal handlers run between epochs.
      await new Promise((resolve) => setImmediate(resolve));
    }

    if (!best) throw new Error('LSTM training ran no epochs.');
    const model = LstmModel.fromWeights(
      tf,
      { timesteps, features, units, denseUnits },
      best.weights,
    );
    return {
      model,
      epochsRun: history.length,
      bestEpoch: best.epoch,
      history,
      samplesPerSecond: (train.samples * history.length) / trainingSeconds,
      backend,
    };
  } finally {
    optimizer.dispose();
    graph.dispose();
  }
}

function stepTensors(
  tf: Tf,
  x: Float32Array,
  indices: ArrayLike<number>,
  timesteps: number,
  features: number,
): TfModule.Tensor2D[] {
  return stepBlocks(x, indices, timesteps, features).map((block) =>
    tf.tensor2d(block, [features + 1, indices.length]),
  );
}

function targetTensor(tf: Tf, y: Float32Array, indices: ArrayLike<number>): TfModule.Tensor2D {
  const values = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) values[i] = y[indices[i]];
  return tf.tensor2d(values, [indices.length, 1]);
}

/**
 * Mean squared error of the current weights on `valid`, in fixed-size batches,
 * and (with `keep`) their predictions in sample order.
 */
function validationPass(
  tf: Tf,
  graph: TrainingGraph,
  valid: SequenceSet,
  timesteps: number,
  features: number,
  keep: boolean,
): { loss: number; predicted: Float32Array | null } {
  let squaredErrorSum = 0;
  const predicted = keep ? new Float32Array(valid.samples) : null;
  for (let start = 0; start < valid.samples; start += EVALUATION_BATCH) {
    const count = Math.min(EVALUATION_BATCH, valid.samples - start);
    const indices = Array.from({ length: count }, (_, i) => start + i);
    squaredErrorSum += tf.tidy(() => {
      const steps = stepTensors(tf, valid.x, indices, timesteps, features);
      const output = graph.infer(steps);
      if (predicted) predicted.set(output.dataSync() as Float32Array, start);
      const targets = targetTensor(tf, valid.y, indices);
      return tf.sum(tf.squaredDifference(output, targets)).dataSync()[0];
    });
  }
  return { loss: squaredErrorSum / valid.samples, predicted };
}
