import type * as TfModule from '@tensorflow/tfjs';
import { DataError } from '../../errors.ts';
import { initTensorflow } from '../tf-backend.ts';
import type { Tf } from '../tf-backend.ts';
import { checkSequenceSet, stepBlocks } from './batches.ts';
import { TrainingGraph } from './graph.ts';
import { LSTM_SCHEMA, readModelFiles, writeModelFiles } from './files.ts';
import type { LstmMetadata } from './files.ts';
import type { LstmWeights } from './weights.ts';

/** The architecture a trained model was built with. */
export type LstmArchitecture = Omit<LstmMetadata, 'schema'>;

/** Samples per predict call into tfjs: bounds memory, whatever the input size. */
const PREDICT_BATCH = 1024;

/**
 * A trained LSTM as a tfjs-layers model: LSTM (sigmoid gates) → optional
 * ReLU dense layer → one linear output. Call `dispose()` to free its tensors.
 */
export class LstmModel {
  readonly architecture: LstmArchitecture;
  private readonly tf: Tf;
  private layers: TfModule.LayersModel | null;
  /** The same network as training's graph, for predicting (see `predict`). */
  private graph: TrainingGraph | null = null;

  private constructor(tf: Tf, layers: TfModule.LayersModel, architecture: LstmArchitecture) {
    this.tf = tf;
    this.layers = layers;
    this.architecture = architecture;
  }

  /** Build the layers model around given weights (tfjs must be initialised). */
  static fromWeights(tf: Tf, architecture: LstmArchitecture, weights: LstmWeights): LstmModel {
    const { timesteps, features, units, denseUnits } = architecture;
    // Fixed names keep model.json identical from run to run (tfjs numbers unnamed layers per process).
    const layers = tf.sequential({ name: 'mlx_lstm' });
    layers.add(
      tf.layers.lstm({
        name: 'lstm',
        units,
        inputShape: [timesteps, features],
        recurrentActivation: 'sigmoid',
        // Zeros: the real weights are set below; tfjs's orthogonal initialiser would also warn.
        kernelInitializer: 'zeros',
        recurrentInitializer: 'zeros',
        biasInitializer: 'zeros',
        unitForgetBias: false,
      }),
    );
    if (denseUnits > 0) {
      layers.add(tf.layers.dense({ name: 'hidden', units: denseUnits, activation: 'relu' }));
    }
    layers.add(tf.layers.dense({ name: 'output', units: 1 }));
    const values = [
      tf.tensor2d(weights.kernel, [features, 4 * units]),
      tf.tensor2d(weights.recurrentKernel, [units, 4 * units]),
      tf.tensor1d(weights.bias),
      ...weights.dense.flatMap((layer) => [
        tf.tensor2d(layer.kernel, [layer.inputs, layer.outputs]),
        tf.tensor1d(layer.bias),
      ]),
    ];
    try {
      layers.setWeights(values);
    } finally {
      tf.dispose(values);
    }
    return new LstmModel(tf, layers, { timesteps, features, units, denseUnits });
  }

  /**
   * One prediction per sample of `x` (`samples × timesteps × features`, row-major).
   * Computed with training's graph on the model's weights: the same maths as the
   * layers model (a test checks both agree to float32 rounding), three times
   * faster on the wasm backend, whose `slice` kernel the layers model's time loop
   * pays for on every step.
   */
  predict(x: Float32Array, samples: number): Float32Array {
    const { tf } = this;
    const { timesteps, features, units, denseUnits } = this.architecture;
    checkSequenceSet(
      { x, y: new Float32Array(0), samples },
      timesteps,
      features,
      'LSTM input',
      false,
    );
    const graph = (this.graph ??= new TrainingGraph(
      tf,
      { features, units, denseUnits },
      this.weights(),
    ));
    const result = new Float32Array(samples);
    for (let start = 0; start < samples; start += PREDICT_BATCH) {
      const count = Math.min(PREDICT_BATCH, samples - start);
      const indices = Array.from({ length: count }, (_, i) => start + i);
      const values = tf.tidy(() =>
        graph
          .infer(
            stepBlocks(x, indices, timesteps, features).map((block) =>
              tf.tensor2d(block, [features + 1, count]),
            ),
          )
          .dataSync(),
      );
      result.set(values, start);
    }
    return result;
  }

  /** The tfjs-layers model's own predictions (what a saved model gives in any tfjs program). */
  predictWithLayers(x: Float32Array, samples: number): Float32Array {
    const layers = this.model;
    const { tf } = this;
    const { timesteps, features } = this.architecture;
    const result = new Float32Array(samples);
    const stride = timesteps * features;
    for (let start = 0; start < samples; start += PREDICT_BATCH) {
      const count = Math.min(PREDICT_BATCH, samples - start);
      const values = tf.tidy(() => {
        const input = tf.tensor3d(x.subarray(start * stride, (start + count) * stride), [
          count,
          timesteps,
          features,
        ]);
        return (layers.predict(input) as TfModule.Tensor).dataSync();
      });
      result.set(values, start);
    }
    return result;
  }

  /**
   * Write `dir/model.json` and `dir/weights.bin` through a custom tfjs save
   * handler: plain files, no tfjs-node `file://` handler needed.
   */
  async save(dir: string): Promise<void> {
    const { tf } = this;
    const metadata: LstmMetadata = { schema: LSTM_SCHEMA, ...this.architecture };
    await this.model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        writeModelFiles(tf, dir, artifacts, metadata);
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
    );
  }

  /** Load what `save` wrote (initialising tfjs if needed); DataError names a bad file. */
  static async load(dir: string): Promise<LstmModel> {
    const { tf } = await initTensorflow();
    const { artifacts, metadata } = readModelFiles(dir);
    let layers: TfModule.LayersModel;
    try {
      layers = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    } catch (err) {
      throw new DataError(
        `${dir}: TensorFlow.js could not rebuild the LSTM (${err instanceof Error ? err.message : String(err)}).`,
      );
    }
    const { timesteps, features, units, denseUnits } = metadata;
    const architecture: LstmArchitecture = { timesteps, features, units, denseUnits };
    const inputShape = layers.inputs[0]?.shape;
    if (inputShape?.[1] !== architecture.timesteps || inputShape?.[2] !== architecture.features) {
      layers.dispose();
      throw new DataError(
        `${dir}: the model's input shape [${inputShape?.join(', ')}] does not match its metadata (${architecture.timesteps} timesteps × ${architecture.features} features).`,
      );
    }
    return new LstmModel(tf, layers, architecture);
  }

  /** The weights as plain arrays (the layout `fromWeights` takes), e.g. to warm-start a new fit. */
  weights(): LstmWeights {
    const values = this.model.getWeights().map((w) => Float32Array.from(w.dataSync()));
    const [kernel, recurrentKernel, bias, ...dense] = values;
    const { units, denseUnits } = this.architecture;
    const widths = denseUnits > 0 ? [units, denseUnits, 1] : [units, 1];
    return {
      kernel,
      recurrentKernel,
      bias,
      dense: widths.slice(1).map((outputs, i) => ({
        kernel: dense[2 * i],
        bias: dense[2 * i + 1],
        inputs: widths[i],
        outputs,
      })),
    };
  }

  /** Free the model's tensors. Safe to call twice. */
  dispose(): void {
    this.layers?.dispose();
    this.layers = null;
    this.graph?.dispose();
    this.graph = null;
  }

  private get model(): TfModule.LayersModel {
    if (!this.layers) throw new Error('LstmModel used after dispose().');
    return this.layers;
  }
}
