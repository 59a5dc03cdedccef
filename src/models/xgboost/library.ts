import fs from 'node:fs';
import path from 'node:path';
import koffi from 'koffi';
import { MissingDependencyError, errorMessage } from '../../errors.ts';

/**
 * XGBoost's own C library (c_api.h) bound through koffi. Only the calls mlx
 * needs are declared; every one returns 0 on success and -1 on failure, and
 * `check` turns a failure into an Error carrying XGBGetLastError().
 */

/** An opaque native handle (DMatrixHandle / BoosterHandle); koffi hands these over as externals. */
export type NativeHandle = object;

/** Out-parameter boxes: koffi writes the value into element 0. */
type Out<T> = [T | null];

export interface XGBoostApi {
  XGBGetLastError(): string;
  XGBoostVersion(major: Out<number>, minor: Out<number>, patch: Out<number>): void;
  XGDMatrixCreateFromMat_omp(
    data: Float32Array,
    rows: number,
    cols: number,
    missing: number,
    out: Out<NativeHandle>,
    threads: number,
  ): number;
  XGDMatrixSetFloatInfo(
    handle: NativeHandle,
    field: string,
    values: Float32Array,
    length: number,
  ): number;
  XGDMatrixSetUIntInfo(
    handle: NativeHandle,
    field: string,
    values: Uint32Array,
    length: number,
  ): number;
  XGDMatrixSetStrFeatureInfo(
    handle: NativeHandle,
    field: string,
    values: string[],
    length: number,
  ): number;
  XGDMatrixFree(handle: NativeHandle): number;
  XGBoosterCreate(dmats: NativeHandle[], length: number, out: Out<NativeHandle>): number;
  XGBoosterFree(handle: NativeHandle): number;
  XGBoosterSetParam(handle: NativeHandle, name: string, value: string): number;
  XGBoosterSetStrFeatureInfo(
    handle: NativeHandle,
    field: string,
    values: string[],
    length: number,
  ): number;
  XGBoosterGetStrFeatureInfo(
    handle: NativeHandle,
    field: string,
    outLength: Out<number>,
    outValues: Out<unknown>,
  ): number;
  XGBoosterUpdateOneIter(handle: NativeHandle, iteration: number, train: NativeHandle): number;
  XGBoosterEvalOneIter(
    handle: NativeHandle,
    iteration: number,
    dmats: NativeHandle[],
    names: string[],
    length: number,
    out: Out<string>,
  ): number;
  XGBoosterBoostedRounds(handle: NativeHandle, out: Out<number>): number;
  XGBoosterGetNumFeature(handle: NativeHandle, out: Out<number>): number;
  XGBoosterSlice(
    handle: NativeHandle,
    beginLayer: number,
    endLayer: number,
    step: number,
    out: Out<NativeHandle>,
  ): number;
  XGBoosterPredictFromDMatrix(
    handle: NativeHandle,
    dmat: NativeHandle,
    config: string,
    outShape: Out<unknown>,
    outDim: Out<number>,
    outResult: Out<unknown>,
  ): number;
  XGBoosterSaveModelToBuffer(
    handle: NativeHandle,
    config: string,
    outLength: Out<number>,
    outData: Out<unknown>,
  ): number;
  XGBoosterLoadModelFromBuffer(handle: NativeHandle, buffer: Uint8Array, length: number): number;
  XGBoosterSetAttr(handle: NativeHandle, key: string, value: string): number;
  XGBoosterGetAttr(
    handle: NativeHandle,
    key: string,
    out: Out<string>,
    success: Out<number>,
  ): number;
  XGBoosterFeatureScore(
    handle: NativeHandle,
    config: string,
    outFeatureCount: Out<number>,
    outFeatures: Out<unknown>,
    outDim: Out<number>,
    outShape: Out<unknown>,
    outScores: Out<unknown>,
  ): number;
}

/** A loaded libxgboost: its path, version and bound functions. */
export interface XGBoostLib {
  readonly path: string;
  /** 'major.minor.patch' as the library reports it. */
  readonly version: string;
  readonly api: XGBoostApi;
}

export type XGBoostStatus =
  { available: true; path: string; version: string } | { available: false; reason: string };

const INSTALL_HINT =
  'Install it with `apt-get install libxgboost-dev` (Debian/Ubuntu) or `brew install xgboost` (macOS), ' +
  'or set MLX_XGBOOST_LIB to the full path of libxgboost.so / libxgboost.dylib.';

/** Oldest release with every call declared above (XGBoosterFeatureScore arrived in 1.6). */
const MINIMUM_VERSION: readonly [number, number] = [1, 6];

const PROTOTYPES = [
  'const char *XGBGetLastError()',
  'void XGBoostVersion(_Out_ int *major, _Out_ int *minor, _Out_ int *patch)',
  'int XGDMatrixCreateFromMat_omp(const float *data, uint64_t nrow, uint64_t ncol, float missing, _Out_ DMatrixHandle *out, int nthread)',
  'int XGDMatrixSetFloatInfo(DMatrixHandle handle, const char *field, const float *array, uint64_t len)',
  'int XGDMatrixSetUIntInfo(DMatrixHandle handle, const char *field, const unsigned int *array, uint64_t len)',
  'int XGDMatrixSetStrFeatureInfo(DMatrixHandle handle, const char *field, const char **features, uint64_t size)',
  'int XGDMatrixFree(DMatrixHandle handle)',
  'int XGBoosterCreate(DMatrixHandle *dmats, uint64_t len, _Out_ BoosterHandle *out)',
  'int XGBoosterFree(BoosterHandle handle)',
  'int XGBoosterSetParam(BoosterHandle handle, const char *name, const char *value)',
  'int XGBoosterSetStrFeatureInfo(BoosterHandle handle, const char *field, const char **features, uint64_t size)',
  'int XGBoosterGetStrFeatureInfo(BoosterHandle handle, const char *field, _Out_ uint64_t *len, _Out_ void **out_features)',
  'int XGBoosterUpdateOneIter(BoosterHandle handle, int iter, DMatrixHandle dtrain)',
  'int XGBoosterEvalOneIter(BoosterHandle handle, int iter, DMatrixHandle *dmats, const char **evnames, uint64_t len, _Out_ const char **out_result)',
  'int XGBoosterBoostedRounds(BoosterHandle handle, _Out_ int *out)',
  'int XGBoosterGetNumFeature(BoosterHandle handle, _Out_ uint64_t *out)',
  'int XGBoosterSlice(BoosterHandle handle, int begin_layer, int end_layer, int step, _Out_ BoosterHandle *out)',
  'int XGBoosterPredictFromDMatrix(BoosterHandle handle, DMatrixHandle dmat, const char *config, _Out_ void **out_shape, _Out_ uint64_t *out_dim, _Out_ void **out_result)',
  'int XGBoosterSaveModelToBuffer(BoosterHandle handle, const char *config, _Out_ uint64_t *out_len, _Out_ void **out_dptr)',
  'int XGBoosterLoadModelFromBuffer(BoosterHandle handle, const void *buf, uint64_t len)',
  'int XGBoosterSetAttr(BoosterHandle handle, const char *key, const char *value)',
  'int XGBoosterGetAttr(BoosterHandle handle, const char *key, _Out_ const char **out, _Out_ int *success)',
  'int XGBoosterFeatureScore(BoosterHandle handle, const char *config, _Out_ uint64_t *out_n_features, _Out_ void **out_features, _Out_ uint64_t *out_dim, _Out_ void **out_shape, _Out_ void **out_scores)',
];

koffi.pointer('DMatrixHandle', koffi.opaque());
koffi.pointer('BoosterHandle', koffi.opaque());

/**
 * Where libxgboost would be loaded from, in search order: MLX_XGBOOST_LIB
 * alone when set; otherwise the usual install folders for Linux (Debian's
 * multiarch dirs, /usr/local) and macOS (Homebrew on Apple silicon and Intel),
 * then the bare names for the dynamic loader's own search (LD_LIBRARY_PATH,
 * the ldconfig cache).
 */
export function xgboostCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const override = env.MLX_XGBOOST_LIB;
  if (override) return [override];
  const names =
    process.platform === 'darwin' ? ['libxgboost.dylib'] : ['libxgboost.so.0', 'libxgboost.so'];
  const dirs =
    process.platform === 'darwin'
      ? ['/opt/homebrew/lib', '/usr/local/lib', '/opt/homebrew/opt/xgboost/lib']
      : [
          '/usr/lib/x86_64-linux-gnu',
          '/usr/lib/aarch64-linux-gnu',
          '/usr/local/lib',
          '/usr/lib',
          '/usr/lib64',
        ];
  return [...dirs.flatMap((dir) => names.map((name) => path.join(dir, name))), ...names];
}

/**
 * The path libxgboost will be loaded from, or null. Absolute candidates must
 * exist; a bare name is returned only if the dynamic loader can open it.
 */
export function locateXGBoost(env: NodeJS.ProcessEnv = process.env): string | null {
  preferPassiveOpenMP();
  for (const candidate of xgboostCandidates(env)) {
    if (path.isAbsolute(candidate) || candidate.includes('/')) {
      if (fs.existsSync(candidate)) return candidate;
    } else if (canOpen(candidate)) {
      return candidate;
    }
  }
  return null;
}

/**
 * XGBoost's OpenMP threads spin at every barrier by default. When other
 * processes share the cores (a cron box, a CI runner) the spinning threads
 * starve the ones doing the work: on 2 busy cores training took 57 s instead
 * of 9 s. Passive waiting costs little on an idle machine. libgomp reads this
 * once, when it is first loaded, so it is set before any dlopen; a user's own
 * OMP_WAIT_POLICY wins.
 */
function preferPassiveOpenMP(): void {
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
}

function canOpen(name: string): boolean {
  try {
    koffi.load(name);
    return true;
  } catch {
    return false;
  }
}

const loaded = new Map<string, XGBoostLib>();

/** Load (once per path) and bind libxgboost, or throw MissingDependencyError naming the fix. */
export function loadXGBoost(env: NodeJS.ProcessEnv = process.env): XGBoostLib {
  const libraryPath = locateXGBoost(env);
  if (libraryPath === null) {
    const where = env.MLX_XGBOOST_LIB
      ? `MLX_XGBOOST_LIB=${env.MLX_XGBOOST_LIB} does not exist`
      : `searched ${xgboostCandidates(env).join(', ')}`;
    throw new MissingDependencyError(`libxgboost was not found (${where}).`, INSTALL_HINT);
  }
  const cached = loaded.get(libraryPath);
  if (cached) return cached;
  const lib = bind(libraryPath);
  loaded.set(libraryPath, lib);
  return lib;
}

function bind(libraryPath: string): XGBoostLib {
  let native: koffi.IKoffiLib;
  try {
    native = koffi.load(libraryPath);
  } catch (err) {
    throw new MissingDependencyError(
      `libxgboost was not found: ${libraryPath} could not be loaded (${errorMessage(err)}).`,
      INSTALL_HINT,
    );
  }
  // XGBoostVersion first, so a too-old library is named as such rather than by a missing symbol.
  const versionFn = native.func(PROTOTYPES[1]) as unknown as XGBoostApi['XGBoostVersion'];
  const parts: [Out<number>, Out<number>, Out<number>] = [[null], [null], [null]];
  versionFn(...parts);
  const [major, minor, patch] = parts.map((box) => box[0] ?? 0);
  const version = `${major}.${minor}.${patch}`;
  if (major < MINIMUM_VERSION[0] || (major === MINIMUM_VERSION[0] && minor < MINIMUM_VERSION[1])) {
    throw new MissingDependencyError(
      `libxgboost ${version} at ${libraryPath} is too old: mlx needs ${MINIMUM_VERSION.join('.')} or newer.`,
      INSTALL_HINT,
    );
  }
  const api: Record<string, unknown> = {};
  for (const prototype of PROTOTYPES) {
    const fn = native.func(prototype);
    api[fn.info.name] = fn;
  }
  return { path: libraryPath, version, api: api as unknown as XGBoostApi };
}

/** Whether libxgboost can be used here, for `mlx doctor` and the train warning. */
export function xgboostStatus(env: NodeJS.ProcessEnv = process.env): XGBoostStatus {
  try {
    const lib = loadXGBoost(env);
    return { available: true, path: lib.path, version: lib.version };
  } catch (err) {
    if (err instanceof MissingDependencyError) return { available: false, reason: err.message };
    throw err;
  }
}

/** Throw the library's own message (without its native stack trace) when a C call returned nonzero. */
export function check(lib: XGBoostLib, code: number, call: string): void {
  if (code !== 0) throw new Error(`XGBoost ${call} failed: ${lastError(lib)}`);
}

export function lastError(lib: XGBoostLib): string {
  return lib.api.XGBGetLastError().split('\nStack trace:')[0].trim();
}

/** Copy `length` float32 values from memory the library owns (valid only until its next call). */
export function copyFloats(pointer: unknown, length: number): Float32Array {
  if (length === 0) return new Float32Array(0);
  return Float32Array.from(koffi.decode(pointer, 'float', length) as Float32Array);
}

/** Copy `length` bytes from library-owned memory and decode them as UTF-8. */
export function copyUtf8(pointer: unknown, length: number): string {
  if (length === 0) return '';
  const bytes = koffi.decode(pointer, 'uint8_t', length) as Uint8Array;
  return Buffer.from(bytes).toString('utf8');
}

/** Copy an array of `length` C strings from library-owned memory. */
export function copyStrings(pointer: unknown, length: number): string[] {
  if (length === 0) return [];
  return koffi.decode(pointer, koffi.array('const char *', length, 'Array')) as string[];
}

/** Copy `length` uint64 values (shapes) from library-owned memory. */
export function copyDims(pointer: unknown, length: number): number[] {
  if (length === 0) return [];
  return Array.from(
    koffi.decode(pointer, 'uint64_t', length) as ArrayLike<number | bigint>,
    Number,
  );
}
