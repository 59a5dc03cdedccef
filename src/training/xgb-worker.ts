import { parentPort, workerData } from 'node:worker_threads';
import { loadXGBoost } from '../models/xgboost/index.ts';
import { serialiseError } from '../threads.ts';
import { fitXgb } from './fit.ts';
import type { XgbWorkerData, XgbWorkerMessage } from './xgb-thread.ts';

/** The XGBoost thread of one fit (see xgb-thread.ts): fit, post the model as JSON, exit. */
const input = workerData as XgbWorkerData;
const post = (message: XgbWorkerMessage) => parentPort?.postMessage(message);

try {
  const lib = loadXGBoost();
  const fitted = fitXgb(
    { ...input, xgbLib: lib, onEvent: (event) => post({ kind: 'event', event }) },
    lib,
  );
  try {
    post({ kind: 'fitted', json: fitted.booster.saveJson(), info: fitted.info });
  } finally {
    fitted.booster.free();
  }
} catch (err) {
  post({ kind: 'failed', error: serialiseError(err) });
}
