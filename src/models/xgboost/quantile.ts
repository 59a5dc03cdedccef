import koffi from 'koffi';
import { DMatrix } from './dmatrix.ts';
import { check, lastError } from './library.ts';
import type { NativeHandle, XGBoostLib } from './library.ts';

/**
 * Rows produced batch by batch: `fill` writes rows [start, start + count) of
 * the matrix, row-major, into `values` and their labels into `labels`.
 * Called more than once per row (XGBoost reads the data in two passes).
 */
export interface RowBatches {
  rows: number;
  cols: number;
  fill(start: number, count: number, values: Float32Array, labels: Float32Array): void;
}

export interface QuantileOptions {
  /** Must equal the booster's `max_bin`: the bins are fixed here. */
  maxBin: number;
  featureNames?: readonly string[];
  /** Threads for building the bins; 0 uses every core. */
  threads?: number;
  /** Rows per batch (the only dense copy held in memory). */
  batchRows?: number;
  /**
   * Rows on which to place the bins, when not all of `source` (a sample of it):
   * finding the quantiles of every row of a million-row fold costs about as much
   * as growing its trees, and a sample of tens of thousands of rows places them
   * within a fraction of a bin. Every row of `source` is then binned by them.
   */
  binSample?: RowBatches;
}

/** The streaming calls arrived in libxgboost 1.7. */
const STREAMING_SINCE: readonly [number, number] = [1, 7];

interface StreamingApi {
  XGProxyDMatrixCreate(out: [NativeHandle | null]): number;
  XGProxyDMatrixSetDataDense(handle: NativeHandle, arrayInterface: string): number;
  XGQuantileDMatrixCreateFromCallback(
    iter: null,
    proxy: NativeHandle,
    ref: NativeHandle | null,
    reset: unknown,
    next: unknown,
    config: string,
    out: [NativeHandle | null],
  ): number;
}

const bound = new Map<XGBoostLib, StreamingApi | null>();
// The callbacks' C type: `next` returns 1 for a batch, 0 at the end, -1 on failure.
const STREAM_CALLBACK = koffi.proto('int XGBStreamNext(void *iter)');

function streamingApi(lib: XGBoostLib): StreamingApi | null {
  if (bound.has(lib)) return bound.get(lib) ?? null;
  const [major, minor] = lib.version.split('.').map(Number);
  let api: StreamingApi | null = null;
  if (major > STREAMING_SINCE[0] || (major === STREAMING_SINCE[0] && minor >= STREAMING_SINCE[1])) {
    const native = koffi.load(lib.path);
    api = {
      XGProxyDMatrixCreate: native.func('int XGProxyDMatrixCreate(_Out_ DMatrixHandle *out)'),
      XGProxyDMatrixSetDataDense: native.func(
        'int XGProxyDMatrixSetDataDense(DMatrixHandle handle, const char *iface)',
      ),
      XGQuantileDMatrixCreateFromCallback: native.func(
        'int XGQuantileDMatrixCreateFromCallback(void *iter, DMatrixHandle proxy, void *ref, XGBStreamNext *reset, XGBStreamNext *next, const char *config, _Out_ DMatrixHandle *out)',
      ),
    } as unknown as StreamingApi;
  }
  bound.set(lib, api);
  return api;
}

/**
 * A training matrix that holds XGBoost's histogram bins only (a QuantileDMatrix,
 * about one byte a cell), fed batch by batch: the dense float copy of a
 * million-row fold (and XGBoost's own eight-byte-a-cell copy of it) is never
 * made. Trees grown on it are the same as on a DMatrix of the same rows (the
 * bins are the same) unless `binSample` places the bins. Such a
 * matrix trains a booster; predict on a DMatrix.
 * Before libxgboost 1.7, a plain DMatrix of the whole matrix is built instead.
 */
export function quantileDMatrix(
  lib: XGBoostLib,
  source: RowBatches,
  options: QuantileOptions,
): DMatrix {
  const api = streamingApi(lib);
  if (!api) return wholeMatrix(lib, source, options);
  if (!options.binSample) return streamed(lib, api, source, options, null);
  const reference = streamed(lib, api, options.binSample, options, null);
  try {
    return streamed(lib, api, source, options, reference);
  } finally {
    reference.free();
  }
}

/** A QuantileDMatrix of `source`, its bins placed on its own rows or taken from `reference`. */
function streamed(
  lib: XGBoostLib,
  api: StreamingApi,
  source: RowBatches,
  options: QuantileOptions,
  reference: DMatrix | null,
): DMatrix {
  const { rows, cols } = source;
  const batchRows = Math.max(1, Math.min(options.batchRows ?? 65536, rows));
  const buffer = koffi.alloc('float', batchRows * cols);
  const values = new Float32Array(koffi.view(buffer, batchRows * cols * 4));
  const address = Number(koffi.address(buffer));
  const labels = new Float32Array(batchRows);
  const proxyOut: [NativeHandle | null] = [null];
  check(lib, api.XGProxyDMatrixCreate(proxyOut), 'XGProxyDMatrixCreate');
  const proxy = proxyOut[0] as NativeHandle;
  let at = 0;
  let failure: unknown = null;
  const next = koffi.register(() => {
    if (at >= rows) return 0;
    try {
      const count = Math.min(batchRows, rows - at);
      source.fill(at, count, values.subarray(0, count * cols), labels.subarray(0, count));
      const arrayInterface = JSON.stringify({
        data: [address, true],
        shape: [count, cols],
        typestr: '<f4',
        version: 3,
      });
      check(
        lib,
        api.XGProxyDMatrixSetDataDense(proxy, arrayInterface),
        'XGProxyDMatrixSetDataDense',
      );
      check(
        lib,
        lib.api.XGDMatrixSetFloatInfo(proxy, 'label', labels.subarray(0, count), count),
        'XGDMatrixSetFloatInfo(label)',
      );
      at += count;
      return 1;
    } catch (err) {
      failure = err;
      return -1;
    }
  }, koffi.pointer(STREAM_CALLBACK));
  const reset = koffi.register(() => {
    at = 0;
    return 0;
  }, koffi.pointer(STREAM_CALLBACK));
  try {
    const out: [NativeHandle | null] = [null];
    // JSON has no NaN: XGBoost's own config parser reads it as the missing value.
    const config = `{"missing": NaN, "nthread": ${options.threads ?? 0}, "max_bin": ${options.maxBin}}`;
    const code = api.XGQuantileDMatrixCreateFromCallback(
      null,
      proxy,
      reference?.handle ?? null,
      reset,
      next,
      config,
      out,
    );
    if (failure) throw failure;
    if (code !== 0)
      throw new Error(`XGBoost XGQuantileDMatrixCreateFromCallback failed: ${lastError(lib)}`);
    return DMatrix.adopt(lib, out[0] as NativeHandle, rows, cols, options.featureNames);
  } finally {
    koffi.unregister(next);
    koffi.unregister(reset);
    lib.api.XGDMatrixFree(proxy);
    koffi.free(buffer);
  }
}

function wholeMatrix(lib: XGBoostLib, source: RowBatches, options: QuantileOptions): DMatrix {
  const values = new Float32Array(source.rows * source.cols);
  const labels = new Float32Array(source.rows);
  source.fill(0, source.rows, values, labels);
  return DMatrix.fromFloat32(lib, values, source.rows, source.cols, {
    labels,
    ...(options.featureNames ? { featureNames: options.featureNames } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  });
}
