import { parentPort, workerData } from 'node:worker_threads';
import { loadXGBoost } from '../models/xgboost/index.ts';
import { fitFold } from './fold-fit.ts';
import { serialiseError } from '../threads.ts';
import { splitsFold, takeFold, type FoldWorkerData, type FoldWorkerMessage } from './fold-pool.ts';

/**
 * A walk-forward worker thread: takes the next unfitted fold from the counter
 * it shares with the other threads, fits it and posts its outcome, until none
 * is left. The dataset arrives on shared memory (see shared-arrays.ts).
 */
const input = workerData as FoldWorkerData;
const post = (message: FoldWorkerMessage) => parentPort?.postMessage(message);

try {
  const xgbLib = input.xgb ? loadXGBoost() : null;
  for (;;) {
    const position = takeFold(input.next, input.folds.length);
    if (position < 0) break;
    const outcome = await fitFold(input.job, input.folds[position], {
      xgbLib,
      xgbThreads: input.xgbThreads,
      xgbBeside: splitsFold(position, input.folds.length, input.jobs),
      onEvent: (event) => post({ kind: 'event', event }),
    });
    post({ kind: 'outcome', position, outcome });
  }
  post({ kind: 'done' });
} catch (err) {
  post({ kind: 'failed', error: serialiseError(err) });
}
