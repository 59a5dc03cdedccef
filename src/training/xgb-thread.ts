import { Booster, type XGBoostLib } from '../models/xgboost/index.ts';
import { reviveError, startWorker, type SerialisedError } from '../threads.ts';
import type { FitInput, FittedModels, TrainEvent } from './fit-input.ts';

/** What the XGBoost thread is given: a fit's input without the library or callbacks. */
export type XgbWorkerData = Pick<
  FitInput,
  'data' | 'scaler' | 'trainRows' | 'validRows' | 'models' | 'settings' | 'seed' | 'xgbThreads'
>;

export type XgbWorkerMessage =
  | { kind: 'fitted'; json: string; info: NonNullable<FittedModels['info']['xgb']> }
  | { kind: 'event'; event: TrainEvent }
  | { kind: 'failed'; error: SerialisedError };

export interface FittedXgb {
  booster: Booster;
  info: NonNullable<FittedModels['info']['xgb']>;
}

/**
 * XGBoost fitted on a thread of its own (see xgb-worker.ts), so that this
 * thread fits the LSTM meanwhile. The dataset crosses on shared memory; the
 * booster comes back as its native JSON model, the form a version saves and
 * every prediction loads, so its scores are the ones a loaded version gives.
 */
export function fitXgbOnThread(input: FitInput, lib: XGBoostLib): Promise<FittedXgb> {
  const data: XgbWorkerData = {
    data: input.data,
    scaler: input.scaler,
    trainRows: input.trainRows,
    validRows: input.validRows,
    models: input.models,
    settings: input.settings,
    seed: input.seed,
    ...(input.xgbThreads !== undefined ? { xgbThreads: input.xgbThreads } : {}),
  };
  const worker = startWorker(import.meta.url, 'xgb-worker', data);
  return new Promise<FittedXgb>((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: XgbWorkerMessage) => {
      if (message.kind === 'event') return input.onEvent?.(message.event);
      settled = true;
      if (message.kind === 'failed') return reject(reviveError(message.error));
      try {
        resolve({ booster: Booster.loadJson(lib, message.json), info: message.info });
      } catch (err) {
        reject(err as Error);
      }
    });
    worker.on('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the XGBoost thread stopped early (exit code ${code})`));
    });
  });
}
