import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { reviveError, startWorker, type SerialisedError } from '../threads.ts';
import type { XGBoostLib } from '../models/xgboost/index.ts';
import type { TrainEvent } from './fit.ts';
import { fitFold, type FoldJob, type FoldOutcome } from './fold-fit.ts';
import type { Fold } from './folds.ts';

/** What a fold worker is given (see fold-worker.ts). */
export interface FoldWorkerData {
  job: FoldJob;
  folds: Fold[];
  /** How many folds were taken, shared by every thread (see takeFold). */
  next: Int32Array;
  xgb: boolean;
  xgbThreads: number;
  /** Threads fitting at once (see splitsFold). */
  jobs: number;
}

/** What a fold worker posts back. */
export type FoldWorkerMessage =
  | { kind: 'outcome'; position: number; outcome: FoldOutcome | null }
  | { kind: 'event'; event: TrainEvent }
  | { kind: 'failed'; error: SerialisedError }
  | { kind: 'done' };

/**
 * The fold position a thread takes next, in fold order, or −1 when none is
 * left. Earliest first: the final fit (the most rows) then runs beside the
 * smallest folds. Taking the latest (longest) folds first ended no sooner on
 * the 304 (359 s against 358 s) and raised its peak RSS from 2.44 to 2.65 GB.
 */
export function takeFold(next: Int32Array, folds: number): number {
  const taken = Atomics.add(next, 0, 1);
  if (taken >= folds) return -1;
  return taken;
}

/**
 * Whether the fold at `position` fits XGBoost on a thread of its own beside the
 * LSTM: the last fold, with more than one thread. The thread that finds no fold
 * left would otherwise wait for that whole fit; splitting it fills the wait.
 */
export function splitsFold(position: number, folds: number, jobs: number): boolean {
  return jobs > 1 && position === folds - 1;
}

/** Threads for the walk-forward by default: one per core. */
export function defaultJobs(): number {
  return Math.max(1, os.availableParallelism());
}

export interface FoldRunOptions {
  /** Threads fitting at once, this one included (1: every fold here, one after another). */
  jobs: number;
  xgbLib: XGBoostLib | null;
  onEvent?: (event: TrainEvent) => void;
  /** A fold was fitted (by any thread); `position` indexes the folds given. */
  onOutcome?: (position: number) => void;
}

/**
 * Walk-forward folds fitted on `jobs` threads: `jobs − 1` worker threads start
 * on them at once, and this thread joins in when `finish` is called (train
 * fits its final model first). Folds are independent and seeded, so each
 * outcome is the same whichever thread fits it, and they come back in fold order.
 * XGBoost gets one thread per fit while folds run side by side, so the two
 * levels of threading do not fight over the cores (its trees do not depend on
 * its thread count).
 */
export class FoldRun {
  private readonly outcomes: (FoldOutcome | null)[];
  private readonly next = new Int32Array(new SharedArrayBuffer(4));
  private readonly workers: Promise<void>[] = [];
  private readonly live: Worker[] = [];
  private readonly xgbThreads: number | undefined;

  constructor(
    private readonly job: FoldJob,
    private readonly folds: Fold[],
    private readonly options: FoldRunOptions,
  ) {
    this.outcomes = new Array<FoldOutcome | null>(folds.length).fill(null);
    const workers = Math.min(Math.max(0, options.jobs - 1), folds.length);
    this.xgbThreads = options.jobs > 1 ? 1 : undefined;
    for (let i = 0; i < workers; i++) this.workers.push(this.startWorker());
  }

  /** Fit the folds no worker has taken, then wait for the workers; outcomes in fold order. */
  async finish(): Promise<(FoldOutcome | null)[]> {
    try {
      for (;;) {
        const position = takeFold(this.next, this.folds.length);
        if (position < 0) break;
        this.outcomes[position] = await fitFold(this.job, this.folds[position], {
          xgbLib: this.options.xgbLib,
          ...(this.xgbThreads !== undefined ? { xgbThreads: this.xgbThreads } : {}),
          xgbBeside: splitsFold(position, this.folds.length, this.options.jobs),
          ...(this.options.onEvent ? { onEvent: this.options.onEvent } : {}),
        });
        this.options.onOutcome?.(position);
      }
      await Promise.all(this.workers);
    } catch (err) {
      await this.stop();
      throw err;
    }
    return this.outcomes;
  }

  /** Stop every worker (after a failure elsewhere). */
  async stop(): Promise<void> {
    Atomics.store(this.next, 0, this.folds.length);
    await Promise.all(this.live.map((worker) => worker.terminate()));
  }

  private startWorker(): Promise<void> {
    const data: FoldWorkerData = {
      job: this.job,
      folds: this.folds,
      next: this.next,
      xgb: this.options.xgbLib !== null,
      xgbThreads: this.xgbThreads ?? 1,
      jobs: this.options.jobs,
    };
    const worker = startWorker(import.meta.url, 'fold-worker', data);
    this.live.push(worker);
    const finished = new Promise<void>((resolve, reject) => {
      let failure: Error | null = null;
      worker.on('message', (message: FoldWorkerMessage) => {
        if (message.kind === 'outcome') {
          this.outcomes[message.position] = message.outcome;
          this.options.onOutcome?.(message.position);
        } else if (message.kind === 'event') this.options.onEvent?.(message.event);
        else if (message.kind === 'failed') failure = reviveError(message.error);
        // Messages arrive in the order posted: every outcome is in before 'done'.
        else resolve();
      });
      worker.on('error', (err) => (failure ??= err));
      worker.on('exit', (code) =>
        reject(
          failure ?? new Error(`a walk-forward worker thread stopped early (exit code ${code})`),
        ),
      );
    }).catch(async (err: unknown) => {
      await this.stop();
      throw err;
    });
    // A worker may fail while this thread is busy with the final fit: `finish` reports it.
    finished.catch(() => undefined);
    return finished;
  }
}
