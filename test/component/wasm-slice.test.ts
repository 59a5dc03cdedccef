import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initTensorflow, type Tf } from '../../src/models/tf-backend.ts';

describe('the wasm backend slice (patchWasmSlice)', () => {
  let tf: Tf;
  before(async () => {
    tf = (await initTensorflow('wasm')).tf;
  });

  /** Runs `work` counting the backend's whole-tensor reads out of the wasm heap. */
  function countingReads<T>(work: () => T): { result: T; reads: number } {
    const backend = tf.backend() as unknown as { readSync: (...args: unknown[]) => unknown };
    const readSync = backend.readSync;
    let reads = 0;
    backend.readSync = (...args: unknown[]) => {
      reads++;
      return readSync.apply(backend, args);
    };
    try {
      return { result: work(), reads };
    } finally {
      backend.readSync = readSync;
    }
  }

  it('splits a block by rows without copying it out of the heap, values unchanged', () => {
    const values = Float32Array.from({ length: 8 * 5 }, (_, i) => i * 0.5 - 3);
    const block = tf.tensor2d(values, [8, 5]);
    const { result: parts, reads } = countingReads(() => tf.split(block, 4, 0));
    assert.equal(reads, 0);
    parts.forEach((part, p) => {
      assert.deepEqual(part.shape, [2, 5]);
      assert.deepEqual(part.dataSync(), values.subarray(p * 10, (p + 1) * 10));
    });
    tf.dispose([block, ...parts]);
  });

  it("keeps tfjs's kernel for strided slices and splits, with the same values", () => {
    const block = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const column = tf.slice(block, [0, 1], [2, 1]);
    assert.deepEqual([...column.dataSync()], [2, 5]);
    const [left, right] = tf.split(block, [1, 2], 1);
    assert.deepEqual([...left.dataSync()], [1, 4]);
    assert.deepEqual([...right.dataSync()], [2, 3, 5, 6]);
    tf.dispose([block, column, left, right]);
  });

  it('slices int32 and bool tensors', () => {
    const ints = tf.tensor1d([4, 5, 6, 7], 'int32');
    const flags = tf.tensor1d([true, false, true, true], 'bool');
    const someInts = tf.slice(ints, [1], [2]);
    const someFlags = tf.slice(flags, [2], [2]);
    assert.deepEqual([...someInts.dataSync()], [5, 6]);
    assert.deepEqual([...someFlags.dataSync()], [1, 1]);
    assert.equal(someFlags.dtype, 'bool');
    tf.dispose([ints, flags, someInts, someFlags]);
  });
});
