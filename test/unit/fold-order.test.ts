import assert from 'node:assert/strict';
import { describe, it } from '../helpers/suite.ts';
import { takeFold } from '../../src/training/fold-pool.ts';

describe('the order folds are fitted in', () => {
  it('takes the folds in order, each once, then says none is left', () => {
    const next = new Int32Array(new SharedArrayBuffer(4));
    const taken = Array.from({ length: 7 }, () => takeFold(next, 5));
    assert.deepEqual(taken, [0, 1, 2, 3, 4, -1, -1]);
  });
});
