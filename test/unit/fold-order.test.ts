import assert from 'node:assert/strict';
import { describe, it } from '../helpers/suite.ts';
import { takeFold } from '../../src/training/fold-pool.ts';

describe('the order folds are fitted in', () => {
  it('takes the latest fold first, each once, then says none is left', () => {
    const next = new Int32Array(new SharedArrayBuffer(4));
    const taken = Array.from({ length: 6 }, () => takeFold(next, 4));
    assert.deepEqual(taken, [3, 2, 1, 0, -1, -1]);
  });
});
