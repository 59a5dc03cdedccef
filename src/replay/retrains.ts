import type { Worker } from 'node:worker_threads';
import type { Config } from '../config.ts';
import type { HomePaths } from '../home.ts';
import { reviveError, startWorker, type SerialisedError } from '../threads.ts';

/** What the retrain thread is given (see retrain-worker.ts). */
export interface RetrainWorkerData {
  home: HomePaths;
  config: Config;
  /** Each retrain's last bar, in order. */
  untils: string[];
  /** The replay's universe (as train resolves it) and its last session. */
  symbols?: string[];
  to: string;
}

export type RetrainWorkerMessage =
  | { kind: 'trained'; until: string; version: string }
  | { kind: 'warning'; message: string }
  | { kind: 'failed'; error: SerialisedError };

/**
 * A replay's monthly retrains, one after another on a thread of their own, so
 * that next month's model trains while this thread replays this month's
 * sessions with the current one. Each retrain uses only bars up to its date
 * (the panel's rows up to `until`, and labels known by then), so training it
 * early changes nothing it sees; each starts its LSTM from the one before, as
 * one after another on this thread would.
 */
export class RetrainPipeline {
  private readonly worker: Worker;
  private readonly ready = new Map<string, string>();
  private readonly waiting = new Map<string, (version: string) => void>();
  private failure: Error | null = null;
  private readonly failed: Promise<never>;

  constructor(data: RetrainWorkerData, warn: (message: string) => void) {
    this.worker = startWorker(import.meta.url, 'retrain-worker', data);
    let fail: (err: Error) => void = () => {};
    this.failed = new Promise<never>((_, reject) => (fail = reject));
    this.failed.catch(() => undefined);
    const stop = (err: Error) => {
      this.failure ??= err;
      fail(this.failure);
    };
    this.worker.on('message', (message: RetrainWorkerMessage) => {
      if (message.kind === 'failed') return stop(reviveError(message.error));
      if (message.kind === 'warning') return warn(message.message);
      const resolve = this.waiting.get(message.until);
      if (resolve) resolve(message.version);
      else this.ready.set(message.until, message.version);
    });
    this.worker.on('error', stop);
    this.worker.on('exit', (code) => {
      if (this.waiting.size > 0)
        stop(new Error(`the backtest's retrain thread stopped early (exit code ${code})`));
    });
  }

  /** The version trained on bars up to `until`, once it is saved. */
  version(until: string): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    const done = this.ready.get(until);
    if (done) return Promise.resolve(done);
    return Promise.race([
      new Promise<string>((resolve) =>
        this.waiting.set(until, (version) => {
          this.waiting.delete(until);
          resolve(version);
        }),
      ),
      this.failed,
    ]);
  }

  async stop(): Promise<void> {
    this.waiting.clear();
    await this.worker.terminate();
  }
}
