import type * as TfModule from '@tensorflow/tfjs';
import type { Tf } from '../tf-backend.ts';
import { GATES } from './weights.ts';
import type { LstmShape, LstmWeights } from './weights.ts';

type Tensor = TfModule.Tensor;
type Tensor2D = TfModule.Tensor2D;
type Variable = TfModule.Variable;

/**
 * The LSTM written out as tensor operations, for training and predicting,
 * because tfjs-layers' own LSTM is slow on the wasm backend. Measured per
 * 256-sample batch (20 steps, 12 features, 32 units) with `tf.profile`, each
 * choice below removes a kernel that dominated:
 *
 * - Samples are columns: a step's input is one [F + 1, batch] block (its last
 *   row all ones, so biases ride in the kernel), the state is [U, batch]. All
 *   four gates come out of one product W·[x_t; 1; h] ([4U, batch]), and
 *   splitting gates, or input from state in the gradient, cuts whole rows:
 *   contiguous copies. With samples as rows each gate's columns were a strided
 *   copy (SplitV took 10% of a batch) and four products stood where one does.
 * - The default matMul gradient multiplies by transposed operands, which the
 *   wasm backend computes with a slow generic loop; `product` transposes
 *   explicitly and then uses the fast untransposed product.
 * - tanh(x) is computed as 2·σ(2x) − 1: the wasm `Tanh` kernel took six times
 *   as long as `Sigmoid` on the same block. The candidate gate's factor 2 is
 *   applied to its rows of the kernel once per batch, so one sigmoid serves all
 *   four gates.
 *
 * The maths is tfjs-layers' LSTM with a sigmoid recurrent activation, so the
 * trained weights drop into the saved tfjs-layers model unchanged (a test
 * checks both give the same predictions).
 */
export class TrainingGraph {
  readonly variables: Variable[];
  private readonly tf: Tf;
  private readonly shape: LstmShape;
  /** [4U, F + 1 + U]: gate rows (input, forget, cell, output), then input, bias, state columns. */
  private readonly kernel: Variable;
  /** Each dense layer as [outputs, inputs + 1], its bias the last column. */
  private readonly dense: Variable[];
  /** [4U, 1]: 2 on the cell gate's rows, 1 elsewhere (see the class comment). */
  private readonly gateScale: Tensor;
  private readonly product: (w: Tensor, x: Tensor) => Tensor2D;

  constructor(tf: Tf, shape: LstmShape, weights: LstmWeights) {
    this.tf = tf;
    this.shape = shape;
    const { units } = shape;
    const layout = packWeights(weights, shape);
    // tidy frees the initial-value tensors; the variables (never tracked by tidy) stay.
    const variable = (values: Float32Array, rows: number, cols: number) =>
      tf.tidy(() => tf.variable(tf.tensor2d(values, [rows, cols])));
    this.kernel = variable(layout.kernel, GATES * units, layout.kernelColumns);
    this.dense = layout.dense.map((layer) => variable(layer.values, layer.rows, layer.cols));
    this.variables = [this.kernel, ...this.dense];
    const scale = new Float32Array(GATES * units).fill(1);
    scale.fill(2, 2 * units, 3 * units);
    this.gateScale = tf.tensor2d(scale, [GATES * units, 1]);
    // w·x whose gradient multiplies by explicit transposes (see the class comment).
    const product = tf.customGrad((...args: (Tensor | TfModule.GradSaveFunc)[]) => {
      const [w, x, save] = args as [Tensor2D, Tensor2D, TfModule.GradSaveFunc];
      save([w, x]);
      return {
        value: tf.matMul(w, x) as Tensor2D,
        gradFunc: (dy: Tensor2D, saved: Tensor[]) => {
          const [weight, input] = saved as Tensor2D[];
          return [tf.matMul(dy, tf.transpose(input)), tf.matMul(tf.transpose(weight), dy)];
        },
      };
    });
    this.product = (w, x) => product(w, x);
  }

  /**
   * Predictions [batch, 1] from one [F + 1, batch] block per timestep, oldest
   * first, each with a last row of ones (see `stepBlocks`). Keeps every
   * step's tensors, as a gradient needs them.
   */
  forward(steps: readonly Tensor2D[]): Tensor2D {
    const kernel = this.scaledKernel();
    let state = this.initialState(steps[0].shape[1]);
    for (const step of steps) state = this.step(kernel, step, state);
    return this.output(state.hidden);
  }

  /**
   * The same predictions without a gradient: each step's tensors are freed
   * once the next state is made, so the backend holds two states at a time
   * instead of every step's work (the wasm heap grows and never shrinks).
   */
  infer(steps: readonly Tensor2D[]): Tensor2D {
    const { tf } = this;
    const kernel = this.scaledKernel();
    let state = this.initialState(steps[0].shape[1]);
    for (const step of steps) {
      const previous = state;
      const next = tf.tidy(() => {
        const made = this.step(kernel, step, previous);
        return [made.hidden, made.cell];
      });
      tf.dispose([previous.hidden, previous.cell]);
      state = { hidden: next[0], cell: next[1] };
    }
    const result = this.output(state.hidden);
    tf.dispose([kernel, state.hidden, state.cell]);
    return result;
  }

  /** The kernel with the cell gate's rows doubled (see the class comment). */
  private scaledKernel(): Tensor {
    return this.tf.mul(this.kernel, this.gateScale);
  }

  private initialState(batch: number): { hidden: Tensor; cell: Tensor } {
    const { units } = this.shape;
    return { hidden: this.tf.zeros([units, batch]), cell: this.tf.zeros([units, batch]) };
  }

  /** One timestep: the next hidden state and cell from the gates of [x_t; 1; h]. */
  private step(
    kernel: Tensor,
    input: Tensor,
    state: { hidden: Tensor; cell: Tensor },
  ): { hidden: Tensor; cell: Tensor } {
    const { tf } = this;
    const gates = tf.sigmoid(this.product(kernel, tf.concat([input, state.hidden], 0)));
    const [inputGate, forget, scaledCandidate, output] = tf.split(gates, GATES, 0);
    const candidate = tf.sub(tf.mul(scaledCandidate, 2), 1);
    const cell = tf.add(tf.mul(forget, state.cell), tf.mul(inputGate, candidate));
    const tanh = tf.sub(tf.mul(tf.sigmoid(tf.mul(cell, 2)), 2), 1);
    return { hidden: tf.mul(output, tanh), cell };
  }

  /** The dense layers on the last hidden state: predictions [batch, 1]. */
  private output(hidden: Tensor): Tensor2D {
    const { tf } = this;
    const batch = hidden.shape[1] as number;
    const ones = tf.ones([1, batch]);
    let result = hidden;
    this.dense.forEach((layer, i) => {
      result = this.product(layer, tf.concat([result, ones], 0));
      if (i < this.dense.length - 1) result = tf.relu(result);
    });
    return tf.reshape(result, [batch, 1]);
  }

  /** A copy of the current weights in the saved-model layout. */
  snapshot(): LstmWeights {
    return unpackWeights(
      this.kernel.dataSync() as Float32Array,
      this.dense.map((layer) => ({
        values: layer.dataSync() as Float32Array,
        rows: layer.shape[0] as number,
        cols: layer.shape[1] as number,
      })),
      this.shape,
    );
  }

  dispose(): void {
    this.tf.dispose([...this.variables, this.gateScale]);
  }
}

interface Matrix {
  values: Float32Array;
  rows: number;
  cols: number;
}

/** The Keras layout as the graph's matrices: [4U, F + 1 + U], and [out, in + 1] per dense layer. */
export function packWeights(
  weights: LstmWeights,
  shape: LstmShape,
): { kernel: Float32Array; kernelColumns: number; dense: Matrix[] } {
  const { features, units } = shape;
  const width = GATES * units;
  const kernelColumns = features + 1 + units;
  const kernel = new Float32Array(width * kernelColumns);
  for (let g = 0; g < width; g++) {
    const row = g * kernelColumns;
    for (let j = 0; j < features; j++) kernel[row + j] = weights.kernel[j * width + g];
    kernel[row + features] = weights.bias[g];
    for (let k = 0; k < units; k++) {
      kernel[row + features + 1 + k] = weights.recurrentKernel[k * width + g];
    }
  }
  const dense = weights.dense.map((layer) => {
    const cols = layer.inputs + 1;
    const values = new Float32Array(layer.outputs * cols);
    for (let o = 0; o < layer.outputs; o++) {
      for (let i = 0; i < layer.inputs; i++) {
        values[o * cols + i] = layer.kernel[i * layer.outputs + o];
      }
      values[o * cols + layer.inputs] = layer.bias[o];
    }
    return { values, rows: layer.outputs, cols };
  });
  return { kernel, kernelColumns, dense };
}

/** Inverse of `packWeights`: back to the Keras layout (copies, never views of a backend buffer). */
export function unpackWeights(
  kernel: Float32Array,
  dense: Matrix[],
  shape: LstmShape,
): LstmWeights {
  const { features, units } = shape;
  const width = GATES * units;
  const kernelColumns = features + 1 + units;
  const out: LstmWeights = {
    kernel: new Float32Array(features * width),
    recurrentKernel: new Float32Array(units * width),
    bias: new Float32Array(width),
    dense: [],
  };
  for (let g = 0; g < width; g++) {
    const row = g * kernelColumns;
    for (let j = 0; j < features; j++) out.kernel[j * width + g] = kernel[row + j];
    out.bias[g] = kernel[row + features];
    for (let k = 0; k < units; k++) {
      out.recurrentKernel[k * width + g] = kernel[row + features + 1 + k];
    }
  }
  out.dense = dense.map(({ values, rows, cols }) => {
    const inputs = cols - 1;
    const layer = {
      kernel: new Float32Array(inputs * rows),
      bias: new Float32Array(rows),
      inputs,
      outputs: rows,
    };
    for (let o = 0; o < rows; o++) {
      for (let i = 0; i < inputs; i++) layer.kernel[i * rows + o] = values[o * cols + i];
      layer.bias[o] = values[o * cols + inputs];
    }
    return layer;
  });
  return out;
}
