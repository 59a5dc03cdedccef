import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TfModule from '@tensorflow/tfjs';
import { MissingDependencyError, errorMessage } from '../errors.ts';
import { patchWasmSlice } from './wasm-slice.ts';

/** The TensorFlow.js namespace (from @tensorflow/tfjs, or @tensorflow/tfjs-node when it loads). */
export type Tf = typeof TfModule;

export type TfBackendPreference = 'auto' | 'wasm' | 'cpu';

export interface TensorflowRuntime {
  tf: Tf;
  /** The active backend: 'tensorflow' (tfjs-node), 'wasm' or 'cpu'. */
  backend: string;
  /** The TensorFlow.js version, for the manifest. */
  version: string;
}

/**
 * tfjs-node is an optional dependency: its installer downloads libtensorflow
 * from outside npm and fails offline, so it is tried by name at run time and
 * never imported statically (the type checker must not require it either).
 */
const NODE_BINDING = '@tensorflow/tfjs-node';
const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
const WASM_BINARIES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

interface Loaded {
  tf: Tf;
  nodeBinding: boolean;
}

let loading: Promise<Loaded> | null = null;
let wasmPathsSet = false;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Load TensorFlow.js once and select a backend.
 *
 * - 'auto': tfjs-node's native 'tensorflow' backend when that package loads,
 *   else 'wasm', else the pure-JS 'cpu' backend (over 10× slower than wasm
 *   for the LSTM: see bench/models.bench.ts).
 * - 'wasm' / 'cpu': that backend or a MissingDependencyError.
 *
 * Idempotent: later calls return the active runtime; a later call naming a
 * different backend switches to it. The wasm binaries are read from the
 * package folder in node_modules, never fetched. tfjs runs wasm single-
 * threaded under Node (its threaded build needs browser workers), using the
 * SIMD build when the engine supports it, which Node 20 does.
 *
 * Production mode is enabled, which also mutes tfjs's console banners
 * ("looks like you are running TensorFlow.js in Node.js…"): mlx's stdout
 * carries data only.
 */
export function initTensorflow(
  preference: TfBackendPreference = 'auto',
): Promise<TensorflowRuntime> {
  // Serialised so concurrent callers never race two setBackend calls.
  const next = queue.then(() => select(preference));
  queue = next.catch(() => undefined);
  return next;
}

async function select(preference: TfBackendPreference): Promise<TensorflowRuntime> {
  const { tf, nodeBinding } = await (loading ??= load(preference === 'auto'));
  const active = activeBackend(tf);
  if (active && (preference === 'auto' || preference === active)) return runtime(tf, active);

  const order =
    preference === 'auto' ? [...(nodeBinding ? ['tensorflow'] : []), 'wasm', 'cpu'] : [preference];
  const failures: string[] = [];
  for (const name of order) {
    try {
      if (name === 'wasm') await registerWasm();
      if (await tf.setBackend(name)) {
        await tf.ready();
        return runtime(tf, name);
      }
      failures.push(`${name}: initialisation failed`);
    } catch (err) {
      failures.push(`${name}: ${errorMessage(err)}`);
    }
  }
  throw new MissingDependencyError(
    `No TensorFlow.js backend could start (${failures.join('; ')}).`,
    preference === 'wasm'
      ? `Reinstall mlx's dependencies (npm ci) so ${WASM_PACKAGE} is present, or choose the cpu backend.`
      : "Reinstall mlx's dependencies (npm ci).",
  );
}

async function load(tryNodeBinding: boolean): Promise<Loaded> {
  let tf: Tf | null = null;
  if (tryNodeBinding) {
    try {
      // libtensorflow logs its CPU-feature notices to stderr unless told otherwise.
      process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
      tf = (await import(NODE_BINDING)) as Tf;
    } catch {
      // Not installed (the usual case) or its native library failed to load: use wasm.
    }
  }
  const nodeBinding = tf !== null;
  tf ??= await import('@tensorflow/tfjs');
  tf.enableProdMode();
  // The bundled webgl backend cannot work in Node; dropping it keeps tfjs from trying it.
  if (tf.findBackendFactory('webgl')) tf.removeBackend('webgl');
  return { tf, nodeBinding };
}

async function registerWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (wasmPathsSet) return;
  const require = createRequire(import.meta.url);
  const folder = path.dirname(require.resolve(WASM_PACKAGE));
  const files: Record<string, string> = {};
  for (const name of WASM_BINARIES) files[name] = path.join(folder, name);
  wasm.setWasmPaths(files);
  patchWasmSlice(await import('@tensorflow/tfjs'));
  wasmPathsSet = true;
}

/** The backend already selected, without making tfjs pick one as `getBackend()` would. */
function activeBackend(tf: Tf): string | null {
  const engine = tf.engine();
  return engine.backendName ?? null;
}

function runtime(tf: Tf, backend: string): TensorflowRuntime {
  return { tf, backend, version: tf.version.tfjs ?? tf.version_core };
}
