import type * as TfModule from '@tensorflow/tfjs';
import type { Tf } from '../tf-backend.ts';
import { GATES, fromGateBlocks, gateBlock } from './weights.ts';
import type { LstmShape, LstmWeights } from './weights.ts';

type Tensor = TfModule.Tensor;
type Tensor2D = TfModule.Tensor2D;
type Variable = TfModule.Variable;

/**
 * The LSTM written out as tensor operations for training, because
 * tfjs-layers' own LSTM is slow on the wasm backend (measured ~1,900
 * samples/s against ~5,000 here, same network):
 *
 * - its time loop slices the [batch, T, F] input per step, and the wasm
 *   `slice` kernel copies the whole input out of wasm memory on each call;
 *   here each step's [batch, F] input arrives as its own tensor;
 * - the default matMul gradient multiplies by transposed operands, which the
 *   wasm backend computes with a slow generic loop; `linear` below transposes
 *   explicitly and then uses the fast untransposed product.
 *
 * The maths is tfjs-layers' LSTM with a sigmoid recurrent activation, so the
 * trained weights drop into the saved tfjs-layers model unchanged (a test
 * checks both give the same predictions).
 */
export class TrainingGraph {
  readonly variables: Variable[];
  private readonly tf: Tf;
  private readonly shape: LstmShape;
  private readonly gates: { kernel: Variable; bias: Variable }[];
  private readonly dense: { kernel: Variable; bias: Variable }[];
  private readonly linear: (x: Tensor, kernel: Tensor, bias: Tensor) => Tensor2D;

  constructor(tf: Tf, shape: LstmShape, weights: LstmWeights) {
    this.tf = tf;
    this.shape = shape;
    const { features, units } = shape;
    // tidy frees the initial-value tensors; the variables (never tracked by tidy) stay.
    const variable = (values: Float32Array, rows: number, cols?: number) =>
      tf.tidy(() =>
        tf.variable(cols === undefined ? tf.tensor1d(values) : tf.tensor2d(values, [rows, cols])),
      );
    this.gates = Array.from({ length: GATES }, (_, gate) => {
      const block = gateBlock(weights, shape, gate);
      return {
        kernel: variable(block.kernel, features + units, units),
        bias: variable(block.bias, units),
      };
    });
    this.dense = weights.dense.map((layer) => ({
      kernel: variable(layer.kernel, layer.inputs, layer.outputs),
      bias: variable(layer.bias, layer.outputs),
    }));
    this.variables = [...this.gates, ...this.dense].flatMap((layer) => [layer.kernel, layer.bias]);
    // x·W + b whose gradient multiplies by explicit transposes (see the class comment).
    const linear = tf.customGrad((...args: (Tensor | TfModule.GradSaveFunc)[]) => {
      const [x, kernel, bias, save] = args as [Tensor2D, Tensor2D, Tensor, TfModule.GradSaveFunc];
      save([x, kernel]);
      return {
        value: tf.add(tf.matMul(x, kernel), bias) as Tensor2D,
        gradFunc: (dy: Tensor2D, saved: Tensor[]) => {
          const [input, weight] = saved as Tensor2D[];
          return [
            tf.matMul(dy, tf.transpose(weight)),
            tf.matMul(tf.transpose(input), dy),
            tf.sum(dy, 0),
          ];
        },
      };
    });
    this.linear = (x, kernel, bias) => linear(x, kernel, bias);
  }

  /** Predictions [batch, 1] from one [batch, F] tensor per timestep, oldest first. */
  forward(steps: readonly Tensor2D[]): Tensor2D {
    const { tf } = this;
    const batch = steps[0].shape[0];
    const { units } = this.shape;
    let hidden: Tensor2D = tf.zeros([batch, units]);
    let cell: Tensor2D = tf.zeros([batch, units]);
    for (const step of steps) {
      const joined = tf.concat([step, hidden], 1);
      const [input, forget, candidate, output] = this.gates.map((gate) =>
        this.linear(joined, gate.kernel, gate.bias),
      );
      cell = tf.add(
        tf.mul(tf.sigmoid(forget), cell),
        tf.mul(tf.sigmoid(input), tf.tanh(candidate)),
      );
      hidden = tf.mul(tf.sigmoid(output), tf.tanh(cell));
    }
    let result: Tensor2D = hidden;
    this.dense.forEach((layer, i) => {
      result = this.linear(result, layer.kernel, layer.bias);
      if (i < this.dense.length - 1) result = tf.relu(result);
    });
    return result;
  }

  /** A copy of the current weights in the saved-model layout (copied: some backends share buffers). */
  snapshot(): LstmWeights {
    const blocks = this.gates.map((gate) => ({
      kernel: Float32Array.from(gate.kernel.dataSync()),
      bias: Float32Array.from(gate.bias.dataSync()),
    }));
    const dense = this.dense.map((layer) => ({
      kernel: Float32Array.from(layer.kernel.dataSync()),
      bias: Float32Array.from(layer.bias.dataSync()),
      inputs: layer.kernel.shape[0] as number,
      outputs: layer.kernel.shape[1] as number,
    }));
    return fromGateBlocks(blocks, dense, this.shape);
  }

  dispose(): void {
    this.tf.dispose(this.variables);
  }
}
