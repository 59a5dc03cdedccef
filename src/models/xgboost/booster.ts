import { DataError } from '../../errors.ts';
import type { DMatrix } from './dmatrix.ts';
import { trackHandle, untrackHandle } from './handles.ts';
import { check, copyDims, copyFloats, copyStrings, copyUtf8, lastError } from './library.ts';
import type { NativeHandle, XGBoostLib } from './library.ts';
import type { BoosterTrainResult } from './evaluation.ts';
import { featureScores, type ImportanceType } from './importance.ts';
import { boostRounds, type BoosterTrainOptions } from './rounds.ts';
import { paramEntries } from './params.ts';
import type { XGBoostParams } from './params.ts';

/**
 * Prediction with the trees of rounds [0, iterationEnd); 0 means every round.
 * Type 0 is the objective's output; type 2 is each feature's exact TreeSHAP
 * contribution to the margin, plus the bias in a last column.
 */
const predictConfig = (iterationEnd: number, type: 0 | 2 = 0) =>
  JSON.stringify({
    type,
    training: false,
    iteration_begin: 0,
    iteration_end: iterationEnd,
    strict_shape: false,
  });
const PREDICT_CONFIG = predictConfig(0);

/**
 * A gradient-boosted tree model held by libxgboost. `create` only records the
 * parameters: the native booster is made by `train`, because XGBoost reads the
 * feature count from the matrices it is created with. Call `free()` when done.
 */
export class Booster {
  private readonly lib: XGBoostLib;
  private readonly params: XGBoostParams | null;
  private nativeHandle: NativeHandle | null = null;
  private trained = false;
  private released = false;

  private constructor(lib: XGBoostLib, params: XGBoostParams | null) {
    this.lib = lib;
    this.params = params;
  }

  /** An untrained booster that will learn with `params`. */
  static create(lib: XGBoostLib, params: XGBoostParams): Booster {
    return new Booster(lib, { ...params });
  }

  /**
   * A booster from a native JSON model (`saveJson()` output, or any XGBoost
   * binding's `save_model('x.json')`). Throws DataError when the library rejects it.
   */
  static loadJson(lib: XGBoostLib, json: string): Booster {
    const booster = new Booster(lib, null);
    booster.adopt(createHandle(lib, []));
    booster.trained = true;
    const bytes = Buffer.from(json, 'utf8');
    const code = lib.api.XGBoosterLoadModelFromBuffer(booster.handle, bytes, bytes.length);
    if (code !== 0) {
      const reason = lastError(lib);
      booster.free();
      throw new DataError(`Not a valid XGBoost JSON model: ${reason}`);
    }
    return booster;
  }

  /** Set one parameter by XGBoost's name; values are passed as strings, as the C API takes them. */
  setParam(name: string, value: string | number): void {
    check(
      this.lib,
      this.lib.api.XGBoosterSetParam(this.handle, name, String(value)),
      `XGBoosterSetParam(${name})`,
    );
  }

  /**
   * Boost up to `rounds` trees, one XGBoosterUpdateOneIter per round. With
   * early stopping the validation metric is read after every round; when
   * training ends the model is truncated (XGBoosterSlice) to the rounds up to
   * and including the best one, so `predict`, `saveJson` and any other
   * binding loading the saved JSON all use exactly the best model. The
   * best round is also recorded as the `best_iteration`/`best_score`
   * attributes, as XGBoost's Python API does.
   */
  train(options: BoosterTrainOptions): BoosterTrainResult {
    if (this.trained || this.released) {
      throw new Error('Booster.train() may be called once per booster, before free().');
    }
    const { train, valid, rounds, earlyStoppingRounds } = options;
    if (!Number.isInteger(rounds) || rounds < 1) {
      throw new Error(`Boosting rounds must be a positive integer (got ${rounds}).`);
    }
    const custom = options.validationScore;
    if ((earlyStoppingRounds !== undefined || custom) && !valid) {
      throw new Error('Early stopping needs a validation matrix.');
    }
    this.trained = true;
    const matrices = valid ? [train.handle, valid.handle] : [train.handle];
    this.adopt(createHandle(this.lib, matrices));
    for (const [name, value] of paramEntries(this.params ?? { objective: 'reg:squarederror' })) {
      this.setParam(name, value);
    }
    if (train.featureNames) {
      const names = [...train.featureNames];
      check(
        this.lib,
        this.lib.api.XGBoosterSetStrFeatureInfo(this.handle, 'feature_name', names, names.length),
        'XGBoosterSetStrFeatureInfo(feature_name)',
      );
    }

    const result = boostRounds(this.lib, this.handle, matrices, options, () =>
      this.predict(valid as DMatrix),
    );
    if (earlyStoppingRounds !== undefined || custom) {
      if (result.bestIteration < result.roundsRun - 1) this.truncate(result.bestIteration + 1);
      this.setAttribute('best_iteration', String(result.bestIteration));
      if (result.bestScore !== null) this.setAttribute('best_score', String(result.bestScore));
    }
    return result;
  }

  /** Keep only the first `layers` boosting rounds, replacing the native handle. */
  private truncate(layers: number): void {
    const out: [NativeHandle | null] = [null];
    check(this.lib, this.lib.api.XGBoosterSlice(this.handle, 0, layers, 1, out), 'XGBoosterSlice');
    this.releaseHandle();
    this.adopt(out[0] as NativeHandle);
  }

  /** Number of boosting rounds in the model. */
  get boostedRounds(): number {
    const out: [number | null] = [null];
    check(
      this.lib,
      this.lib.api.XGBoosterBoostedRounds(this.handle, out),
      'XGBoosterBoostedRounds',
    );
    return out[0] ?? 0;
  }

  /** Number of input features the model expects. */
  get featureCount(): number {
    const out: [number | null] = [null];
    check(
      this.lib,
      this.lib.api.XGBoosterGetNumFeature(this.handle, out),
      'XGBoosterGetNumFeature',
    );
    return Number(out[0] ?? 0);
  }

  /**
   * One prediction per row: the objective's output (a probability for
   * binary:logistic). The column count must match the model's: XGBoost itself
   * would quietly treat missing trailing columns as missing values.
   */
  predict(matrix: DMatrix, options: { iterationEnd?: number } = {}): Float32Array {
    const config = options.iterationEnd ? predictConfig(options.iterationEnd) : PREDICT_CONFIG;
    const { dimensions, length, result } = this.predictRaw(matrix, config, '');
    if (length !== matrix.rows) {
      throw new Error(
        `XGBoost returned ${length} predictions for ${matrix.rows} rows (shape ${dimensions.join('×')}); multi-output models are not supported.`,
      );
    }
    return copyFloats(result, length);
  }

  /**
   * Exact TreeSHAP contributions (XGBoosterPredictFromDMatrix, type 2): rows ×
   * (features + 1), row-major, the last column the bias. Each row sums to the
   * margin, which for reg:squarederror is the prediction itself.
   */
  contributions(matrix: DMatrix): { values: Float32Array; columns: number } {
    const { dimensions, length, result } = this.predictRaw(
      matrix,
      predictConfig(0, 2),
      '(contributions)',
    );
    const columns = this.featureCount + 1;
    if (length !== matrix.rows * columns) {
      throw new Error(
        `XGBoost returned contributions of shape ${dimensions.join('×')} for ${matrix.rows} rows of ${this.featureCount} features; multi-output models are not supported.`,
      );
    }
    return { values: copyFloats(result, length), columns };
  }

  /** XGBoosterPredictFromDMatrix with a config, after checking the column count. */
  private predictRaw(
    matrix: DMatrix,
    config: string,
    what: string,
  ): { dimensions: number[]; length: number; result: unknown } {
    const featureCount = this.featureCount;
    if (matrix.cols !== featureCount) {
      throw new DataError(
        `The model expects ${featureCount} features but the matrix has ${matrix.cols} columns.`,
      );
    }
    const shape: [unknown] = [null];
    const dims: [number | null] = [null];
    const result: [unknown] = [null];
    check(
      this.lib,
      this.lib.api.XGBoosterPredictFromDMatrix(
        this.handle,
        matrix.handle,
        config,
        shape,
        dims,
        result,
      ),
      `XGBoosterPredictFromDMatrix${what}`,
    );
    const dimensions = copyDims(shape[0], Number(dims[0] ?? 0));
    return { dimensions, length: dimensions.reduce((a, b) => a * b, 1), result: result[0] };
  }

  /** The native JSON model (XGBoosterSaveModelToBuffer, format json): what `xgb.json` holds. */
  saveJson(): string {
    const length: [number | null] = [null];
    const data: [unknown] = [null];
    check(
      this.lib,
      this.lib.api.XGBoosterSaveModelToBuffer(this.handle, '{"format":"json"}', length, data),
      'XGBoosterSaveModelToBuffer',
    );
    return copyUtf8(data[0], Number(length[0] ?? 0));
  }

  /**
   * Total gain per feature: the summed loss reduction of every split on it,
   * i.e. each feature's share of what the model learned. ('gain', XGBoost's
   * per-split average, overrates a feature used once in a lucky split.)
   * Features never split on get 0. Names default to those stored in the
   * model, else f0, f1, ….
   */
  gainImportance(featureNames?: readonly string[]): Record<string, number> {
    return this.importance('total_gain', featureNames);
  }

  /** Feature importance of any XGBoost type, via XGBoosterFeatureScore. */
  importance(type: ImportanceType, featureNames?: readonly string[]): Record<string, number> {
    const featureCount = this.featureCount;
    if (featureNames && featureNames.length !== featureCount) {
      throw new DataError(
        `The model has ${featureCount} features but ${featureNames.length} names were given.`,
      );
    }
    const scored = featureScores(this.lib, this.handle, type, featureNames);
    const names =
      featureNames ??
      this.storedFeatureNames() ??
      Array.from({ length: featureCount }, (_, i) => `f${i}`);
    const importance: Record<string, number> = {};
    for (const name of names) importance[name] = 0;
    for (const [name, value] of scored) importance[name] = value;
    return importance;
  }

  /** The feature names stored in the model, or null when it has none. */
  storedFeatureNames(): string[] | null {
    const length: [number | null] = [null];
    const values: [unknown] = [null];
    check(
      this.lib,
      this.lib.api.XGBoosterGetStrFeatureInfo(this.handle, 'feature_name', length, values),
      'XGBoosterGetStrFeatureInfo(feature_name)',
    );
    const names = copyStrings(values[0], Number(length[0] ?? 0));
    return names.length > 0 ? names : null;
  }

  /** A string attribute stored in the model (e.g. 'best_iteration'), or null. */
  getAttribute(key: string): string | null {
    const out: [string | null] = [null];
    const success: [number | null] = [null];
    check(
      this.lib,
      this.lib.api.XGBoosterGetAttr(this.handle, key, out, success),
      'XGBoosterGetAttr',
    );
    return success[0] ? out[0] : null;
  }

  setAttribute(key: string, value: string): void {
    check(this.lib, this.lib.api.XGBoosterSetAttr(this.handle, key, value), 'XGBoosterSetAttr');
  }

  get handle(): NativeHandle {
    if (this.released) throw new Error('Booster used after free().');
    if (this.nativeHandle === null) throw new Error('Booster used before train().');
    return this.nativeHandle;
  }

  get freed(): boolean {
    return this.released;
  }

  /** Release the native model now. Safe to call twice. */
  free(): void {
    if (this.nativeHandle !== null) this.releaseHandle();
    this.released = true;
  }

  private adopt(handle: NativeHandle): void {
    this.nativeHandle = handle;
    const { api } = this.lib;
    trackHandle(this, handle, (h) => api.XGBoosterFree(h));
  }

  private releaseHandle(): void {
    const handle = this.nativeHandle;
    if (handle === null) return;
    this.nativeHandle = null;
    untrackHandle(this);
    check(this.lib, this.lib.api.XGBoosterFree(handle), 'XGBoosterFree');
  }
}

/** A native booster; `cache` matrices tell XGBoost the feature count and get prediction caches. */
function createHandle(lib: XGBoostLib, cache: NativeHandle[]): NativeHandle {
  const out: [NativeHandle | null] = [null];
  check(lib, lib.api.XGBoosterCreate(cache, cache.length, out), 'XGBoosterCreate');
  return out[0] as NativeHandle;
}
