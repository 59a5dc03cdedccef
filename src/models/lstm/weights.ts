import type { Random } from '../../random.ts';

/**
 * The network's weights as plain arrays, in the Keras/tfjs layout the saved
 * model uses: LSTM kernel [F, 4U], recurrent kernel [U, 4U] and bias [4U],
 * gates in the order input, forget, cell, output; then each dense layer's
 * kernel [in, out] and bias [out].
 */
export interface LstmWeights {
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array;
  dense: { kernel: Float32Array; bias: Float32Array; inputs: number; outputs: number }[];
}

export interface LstmShape {
  features: number;
  units: number;
  denseUnits: number;
}

export const GATES = 4;

/**
 * Seeded initial weights, as Keras initialises an LSTM: Glorot-uniform input
 * and dense kernels, an orthogonal recurrent kernel, zero biases except a
 * forget-gate bias of 1 (so the cell remembers by default early in training).
 * Drawn in a fixed order from `random`, so a seed fixes them exactly.
 */
export function initialWeights(shape: LstmShape, random: Random): LstmWeights {
  const { features, units, denseUnits } = shape;
  const kernel = glorotUniform(features, GATES * units, random);
  const recurrentKernel = orthogonal(units, GATES * units, random);
  const bias = new Float32Array(GATES * units);
  bias.fill(1, units, 2 * units);
  const widths = denseUnits > 0 ? [units, denseUnits, 1] : [units, 1];
  const dense = widths.slice(1).map((outputs, i) => ({
    kernel: glorotUniform(widths[i], outputs, random),
    bias: new Float32Array(outputs),
    inputs: widths[i],
    outputs,
  }));
  return { kernel, recurrentKernel, bias, dense };
}

/** Uniform in ±sqrt(6 / (fanIn + fanOut)), row-major [fanIn, fanOut]. */
function glorotUniform(fanIn: number, fanOut: number, random: Random): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const values = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < values.length; i++) values[i] = (2 * random.next() - 1) * limit;
  return values;
}

/**
 * A [rows, cols] matrix (rows ≤ cols) with orthonormal rows: Gram–Schmidt
 * on `rows` standard-normal vectors of length `cols`, as Keras's Orthogonal
 * initialiser does through a QR decomposition.
 */
export function orthogonal(rows: number, cols: number, random: Random): Float32Array {
  if (rows > cols) throw new Error(`orthogonal() needs rows ≤ cols (got ${rows} × ${cols}).`);
  const basis: Float64Array[] = [];
  while (basis.length < rows) {
    const v = new Float64Array(cols);
    for (let j = 0; j < cols; j++) v[j] = random.normal();
    // Twice-repeated Gram–Schmidt keeps the rows orthogonal to float64 precision.
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        let dot = 0;
        for (let j = 0; j < cols; j++) dot += v[j] * q[j];
        for (let j = 0; j < cols; j++) v[j] -= dot * q[j];
      }
    }
    let norm = 0;
    for (let j = 0; j < cols; j++) norm += v[j] * v[j];
    norm = Math.sqrt(norm);
    if (norm < 1e-6) continue; // a (vanishingly unlikely) dependent draw: draw again
    for (let j = 0; j < cols; j++) v[j] /= norm;
    basis.push(v);
  }
  const values = new Float32Array(rows * cols);
  basis.forEach((row, i) => values.set(row, i * cols));
  return values;
}
