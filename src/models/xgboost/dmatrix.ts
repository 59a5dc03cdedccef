import { DataError } from '../../errors.ts';
import { trackHandle, untrackHandle } from './handles.ts';
import { check } from './library.ts';
import type { NativeHandle, XGBoostLib } from './library.ts';

export interface DMatrixOptions {
  /** One label per row (regression target or 0/1 class). */
  labels?: Float32Array;
  /** The value that marks a missing cell; NaN by default. */
  missing?: number;
  /** Column names, stored in the model when this matrix trains a booster. */
  featureNames?: readonly string[];
  /** Threads for the copy into XGBoost's format; 0 (default) uses all cores. */
  threads?: number;
}

/** XGBoost's data matrix over a dense row-major Float32Array. Call `free()` when done. */
export class DMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly featureNames: readonly string[] | undefined;
  private readonly lib: XGBoostLib;
  private nativeHandle: NativeHandle | null;

  private constructor(
    lib: XGBoostLib,
    handle: NativeHandle,
    rows: number,
    cols: number,
    featureNames?: readonly string[],
  ) {
    this.lib = lib;
    this.nativeHandle = handle;
    this.rows = rows;
    this.cols = cols;
    this.featureNames = featureNames;
    trackHandle(this, handle, (h) => lib.api.XGDMatrixFree(h));
  }

  /** Build from `rows × cols` values in row-major order (the library copies them). */
  static fromFloat32(
    lib: XGBoostLib,
    data: Float32Array,
    rows: number,
    cols: number,
    options: DMatrixOptions = {},
  ): DMatrix {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
      throw new DataError(`DMatrix needs at least one row and one column (got ${rows} × ${cols}).`);
    }
    if (data.length !== rows * cols) {
      throw new DataError(
        `DMatrix data has ${data.length} values, expected ${rows} rows × ${cols} columns = ${rows * cols}.`,
      );
    }
    if (options.labels && options.labels.length !== rows) {
      throw new DataError(`DMatrix has ${rows} rows but ${options.labels.length} labels.`);
    }
    if (options.featureNames && options.featureNames.length !== cols) {
      throw new DataError(
        `DMatrix has ${cols} columns but ${options.featureNames.length} feature names.`,
      );
    }
    const { api } = lib;
    const out: [NativeHandle | null] = [null];
    check(
      lib,
      api.XGDMatrixCreateFromMat_omp(
        data,
        rows,
        cols,
        options.missing ?? Number.NaN,
        out,
        options.threads ?? 0,
      ),
      'XGDMatrixCreateFromMat_omp',
    );
    const matrix = DMatrix.adopt(lib, out[0] as NativeHandle, rows, cols, options.featureNames);
    try {
      if (options.labels) {
        check(
          lib,
          api.XGDMatrixSetFloatInfo(matrix.handle, 'label', options.labels, rows),
          'XGDMatrixSetFloatInfo(label)',
        );
      }
    } catch (err) {
      matrix.free();
      throw err;
    }
    return matrix;
  }

  /** Own a native matrix made elsewhere (see quantile.ts), naming its columns. */
  static adopt(
    lib: XGBoostLib,
    handle: NativeHandle,
    rows: number,
    cols: number,
    featureNames?: readonly string[],
  ): DMatrix {
    const matrix = new DMatrix(lib, handle, rows, cols, featureNames);
    if (featureNames) {
      const names = [...featureNames];
      try {
        check(
          lib,
          lib.api.XGDMatrixSetStrFeatureInfo(handle, 'feature_name', names, names.length),
          'XGDMatrixSetStrFeatureInfo(feature_name)',
        );
      } catch (err) {
        matrix.free();
        throw err;
      }
    }
    return matrix;
  }

  /**
   * Query groups for a ranking objective: `sizes[g]` consecutive rows form group g, so the
   * rows must already be in group order.
   */
  setGroups(sizes: Uint32Array): void {
    const total = sizes.reduce((sum, n) => sum + n, 0);
    if (total !== this.rows) {
      throw new Error(`Groups of ${total} rows given for a matrix of ${this.rows} rows.`);
    }
    check(
      this.lib,
      this.lib.api.XGDMatrixSetUIntInfo(this.handle, 'group', sizes, sizes.length),
      'XGDMatrixSetUIntInfo(group)',
    );
  }

  /** The native handle; throws once freed. */
  get handle(): NativeHandle {
    if (this.nativeHandle === null) throw new Error('DMatrix used after free().');
    return this.nativeHandle;
  }

  get freed(): boolean {
    return this.nativeHandle === null;
  }

  /** Release the native matrix now. Safe to call twice. */
  free(): void {
    if (this.nativeHandle === null) return;
    const handle = this.nativeHandle;
    this.nativeHandle = null;
    untrackHandle(this);
    check(this.lib, this.lib.api.XGDMatrixFree(handle), 'XGDMatrixFree');
  }
}
