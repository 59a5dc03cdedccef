import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DataError, UsageError } from '../../src/errors.ts';
import { LstmModel, lstmConfig, trainLstm } from '../../src/models/lstm/index.ts';
import type { LstmConfig, LstmTrainResult, SequenceSet } from '../../src/models/lstm/index.ts';
import { initTensorflow } from '../../src/models/tf-backend.ts';
import type { TensorflowRuntime } from '../../src/models/tf-backend.ts';
import { createRandom } from '../../src/random.ts';
import type { Random } from '../../src/random.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TIMESTEPS = 10;
const FEATURES = 4;

/** Random sequences; the target is the mean of feature 0 over the last three timesteps. */
type Target = (x: Float32Array, sample: number, random: Random) => number;

function sequences(samples: number, seed: number, target: Target = lastThreeMean): SequenceSet {
  const random = createRandom(seed);
  const x = new Float32Array(samples * TIMESTEPS * FEATURES);
  for (let i = 0; i < x.length; i++) x[i] = random.normal();
  const y = new Float32Array(samples);
  for (let s = 0; s < samples; s++) y[s] = target(x, s, random);
  return { x, y, samples };
}

function lastThreeMean(x: Float32Array, sample: number): number {
  const at = (t: number) => x[(sample * TIMESTEPS + t) * FEATURES];
  return (at(TIMESTEPS - 1) + at(TIMESTEPS - 2) + at(TIMESTEPS - 3)) / 3;
}

function meanSquaredError(predicted: Float32Array, actual: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += (predicted[i] - actual[i]) ** 2;
  return sum / actual.length;
}

function variance(values: Float32Array): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

const config: LstmConfig = lstmConfig({
  timesteps: TIMESTEPS,
  features: FEATURES,
  units: 16,
  denseUnits: 8,
  epochs: 12,
  batchSize: 64,
  learningRate: 3e-3,
  patience: 3,
  seed: 7,
});

describe('LSTM on TensorFlow.js', () => {
  const train = sequences(1500, 1);
  const valid = sequences(400, 2);
  const test = sequences(400, 3);
  let runtime: TensorflowRuntime;
  let tensorsBefore: number;
  let first: LstmTrainResult;
  let second: LstmTrainResult;
  const epochsSeen: number[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-lstm-'));

  before(async () => {
    runtime = await initTensorflow();
    tensorsBefore = runtime.tf.memory().numTensors;
    first = await trainLstm(train, valid, config, {
      onEpoch: (epoch) => epochsSeen.push(epoch.epoch),
    });
    second = await trainLstm(train, valid, config);
  });

  after(() => {
    first?.model.dispose();
    second?.model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('trains on the backend initTensorflow chose (wasm here, tfjs-node absent)', () => {
    assert.equal(first.backend, runtime.backend);
    assert.ok(['tensorflow', 'wasm'].includes(runtime.backend), runtime.backend);
    assert.match(runtime.version, /^\d+\.\d+\.\d+/);
    assert.ok(first.samplesPerSecond > 0);
    assert.deepEqual(
      epochsSeen,
      first.history.map((h) => h.epoch),
    );
  });

  it('learns the mean of the last three values far better than predicting the mean', () => {
    const predicted = first.model.predict(test.x, test.samples);
    const modelError = meanSquaredError(predicted, test.y);
    const baseline = variance(test.y);
    assert.ok(modelError < 0.25 * baseline, `model MSE ${modelError} vs variance ${baseline}`);
  });

  it("predicts as the saved tfjs-layers model does (training's graph, float32 rounding apart)", () => {
    const graph = first.model.predict(test.x, test.samples);
    const layers = first.model.predictWithLayers(test.x, test.samples);
    const diff = maxAbsDiff(graph, layers);
    assert.ok(diff < 1e-5, `max abs diff ${diff}`);
    // Not a tautology: a wrong weight layout gives predictions far apart.
    assert.ok(maxAbsDiff(graph, new Float32Array(graph.length)) > 1e-3);
  });

  it('is deterministic: same inputs and seed give equal predictions; another seed does not', async () => {
    const a = first.model.predict(test.x, test.samples);
    const b = second.model.predict(test.x, test.samples);
    assert.deepEqual(first.history, second.history);
    assert.equal(maxAbsDiff(a, b), 0);
    const reseeded = await trainLstm(train, valid, { ...config, seed: 8, epochs: 2 });
    try {
      assert.ok(maxAbsDiff(a, reseeded.model.predict(test.x, test.samples)) > 1e-3);
    } finally {
      reseeded.model.dispose();
    }
  });

  it('saves model.json + weights.bin and loads them back with equal predictions', async () => {
    await first.model.save(dir);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'weights.bin']);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    assert.equal(json.format, 'layers-model');
    assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
    assert.equal(json.userDefinedMetadata.mlx.schema, 'mlx.lstm/1');
    const loaded = await LstmModel.load(dir);
    try {
      assert.deepEqual(loaded.architecture, first.model.architecture);
      const diff = maxAbsDiff(
        first.model.predict(test.x, test.samples),
        loaded.predict(test.x, test.samples),
      );
      assert.ok(diff < 1e-6, `max abs diff ${diff}`);
    } finally {
      loaded.dispose();
    }
    // The same weights save to the same bytes.
    const again = path.join(dir, 'again');
    await second.model.save(again);
    for (const file of ['model.json', 'weights.bin']) {
      assert.ok(
        fs.readFileSync(path.join(dir, file)).equals(fs.readFileSync(path.join(again, file))),
      );
    }
  });

  it('rejects damaged files with a DataError naming the file', async () => {
    const damaged = path.join(dir, 'damaged');
    await first.model.save(damaged);
    const weightsFile = path.join(damaged, 'weights.bin');
    fs.writeFileSync(weightsFile, fs.readFileSync(weightsFile).subarray(0, 100));
    await assert.rejects(LstmModel.load(damaged), (err: unknown) => {
      assert.ok(err instanceof DataError);
      assert.match(err.message, /weights\.bin: 100 bytes/);
      return true;
    });
    const modelFile = path.join(damaged, 'model.json');
    const json = JSON.parse(fs.readFileSync(modelFile, 'utf8'));
    delete json.userDefinedMetadata;
    fs.writeFileSync(modelFile, JSON.stringify(json));
    await assert.rejects(
      LstmModel.load(damaged),
      /model\.json: not an mlx LSTM model: userDefinedMetadata/,
    );
    await assert.rejects(
      LstmModel.load(path.join(dir, 'nowhere')),
      /model\.json: cannot read .*missing/,
    );
  });

  it('stops early on noise and returns the best epoch’s weights', async () => {
    const noise = (seed: number) => sequences(600, seed, (_x, _s, random) => random.normal());
    const noisyValid = noise(5);
    const result = await trainLstm(noise(4), noisyValid, {
      ...config,
      epochs: 40,
      patience: 2,
      learningRate: 1e-2,
    });
    try {
      assert.ok(result.epochsRun < 40, `ran ${result.epochsRun} epochs`);
      assert.equal(result.epochsRun, result.bestEpoch + 2);
      const losses = result.history.map((h) => h.valLoss as number);
      assert.equal(Math.min(...losses), losses[result.bestEpoch - 1]);
      // The returned model scores exactly the best epoch's validation loss.
      const predicted = result.model.predict(noisyValid.x, noisyValid.samples);
      const error = meanSquaredError(predicted, noisyValid.y);
      assert.ok(Math.abs(error - losses[result.bestEpoch - 1]) < 1e-5, `${error} vs ${losses}`);
    } finally {
      result.model.dispose();
    }
  });

  it('stops on the validation score when given one, and returns the best-scoring epoch', async () => {
    // Scores by call, not by the predictions: the second epoch scores best, whatever the loss.
    const scores = [0.1, 0.5, 0.2, 0.3, 0.4, 0.6];
    const seen: Float32Array[] = [];
    const valid = sequences(300, 9);
    const result = await trainLstm(
      sequences(600, 8),
      { ...valid, score: (predicted) => (seen.push(predicted.slice()), scores[seen.length - 1]) },
      { ...config, epochs: 6, patience: 2 },
    );
    try {
      assert.equal(result.bestEpoch, 2);
      assert.equal(result.epochsRun, 4);
      assert.equal(seen.length, 4);
      assert.ok(seen.every((predicted) => predicted.length === valid.samples));
      // What was scored is the model's prediction of the validation samples, epoch 2's returned.
      assert.ok(maxAbsDiff(result.model.predict(valid.x, valid.samples), seen[1]) < 1e-5);
      assert.ok(maxAbsDiff(seen[1], seen[3]) > 1e-3);
    } finally {
      result.model.dispose();
    }
  });

  it('validates inputs and settings', async () => {
    const short = { ...train, x: train.x.subarray(1) };
    await assert.rejects(trainLstm(short, valid, config), DataError);
    const withNaN = { ...train, x: Float32Array.from(train.x) };
    withNaN.x[TIMESTEPS * FEATURES * 5 + 2] = Number.NaN;
    await assert.rejects(trainLstm(withNaN, valid, config), /sample 5 has a non-finite input/);
    await assert.rejects(trainLstm(train, valid, { ...config, units: 0 }), UsageError);
    assert.throws(() => first.model.predict(test.x, test.samples + 1), DataError);
  });

  it('leaves no tensors behind once its models are disposed', () => {
    first.model.dispose();
    second.model.dispose();
    assert.equal(runtime.tf.memory().numTensors, tensorsBefore);
  });
});

describe('TensorFlow.js start-up', () => {
  it('selects the cpu backend on request, stays idempotent and writes nothing to stdout', async () => {
    // A child process, so this backend switch cannot disturb the tests above.
    const script = `
      const { initTensorflow } = await import('./src/models/tf-backend.ts');
      const { trainLstm, lstmConfig } = await import('./src/models/lstm/index.ts');
      const cpu = await initTensorflow('cpu');
      const again = await initTensorflow();
      const x = new Float32Array(8 * 3 * 2).map((_, i) => Math.sin(i));
      const set = { x, y: new Float32Array(8).fill(0.5), samples: 8 };
      const result = await trainLstm(set, set, lstmConfig({ timesteps: 3, features: 2, units: 4, epochs: 1 }));
      result.model.dispose();
      process.stderr.write(JSON.stringify({ cpu: cpu.backend, again: again.backend, same: cpu.tf === again.tf, trained: result.backend }));
    `;
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: projectRoot },
    );
    assert.equal(stdout, '');
    assert.deepEqual(JSON.parse(stderr.trim().split('\n').pop() ?? ''), {
      cpu: 'cpu',
      again: 'cpu',
      same: true,
      trained: 'cpu',
    });
  });
});
