import { Worker } from 'node:worker_threads';
import { MlxError, type ExitCodeValue } from './errors.ts';

/**
 * A worker thread running the module `name` beside `beside` (an
 * `import.meta.url`): the built .js, or, run from source under tsx (tests,
 * benches), the .ts with tsx's loader registered first — a worker thread does
 * not inherit the loader of the thread that starts it.
 */
export function startWorker(beside: string, name: string, workerData: unknown): Worker {
  if (!beside.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, beside), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`./${name}.ts`, beside).href;
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData });
}

/** An error as it crosses from a worker thread (classes do not survive postMessage). */
export interface SerialisedError {
  name: string;
  message: string;
  stack?: string;
  exitCode?: ExitCodeValue;
  hint?: string;
}

export function serialiseError(err: unknown): SerialisedError {
  if (err instanceof MlxError)
    return {
      name: err.name,
      message: err.message,
      ...(err.stack ? { stack: err.stack } : {}),
      exitCode: err.exitCode,
      ...(err.hint ? { hint: err.hint } : {}),
    };
  if (err instanceof Error)
    return { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  return { name: 'Error', message: String(err) };
}

/** An error thrown in a worker thread, with its exit code and hint when it was one of mlx's. */
export function reviveError(error: SerialisedError): Error {
  const revived =
    error.exitCode !== undefined
      ? new MlxError(error.message, error.exitCode, error.hint)
      : new Error(error.message);
  revived.name = error.name;
  if (error.stack) revived.stack = error.stack;
  return revived;
}
