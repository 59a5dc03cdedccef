import assert from 'node:assert/strict';
import { describe, it } from '../helpers/suite.ts';
import { DataError, MissingDependencyError } from '../../src/errors.ts';
import {
  BestRound,
  Booster,
  DMatrix,
  loadXGBoost,
  parseEvaluation,
  quantileDMatrix,
  xgboostStatus,
} from '../../src/models/xgboost/index.ts';
import type { RowBatches, XGBoostLib, XGBoostParams } from '../../src/models/xgboost/index.ts';
import { createRandom } from '../../src/random.ts';

const status = xgboostStatus();
const skip = status.available ? false : `libxgboost is not installed: ${status.reason}`;

interface Dataset {
  x: Float32Array;
  y: Float32Array;
  rows: number;
  cols: number;
}

/** y = x0 − 2·x1 + noise over `cols` standard-normal features (the rest are distractors). */
function linearData(rows: number, seed: number, cols = 6, noise = 0.3): Dataset {
  const random = createRandom(seed);
  const x = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) x[r * cols + c] = random.normal();
    y[r] = x[r * cols] - 2 * x[r * cols + 1] + noise * random.normal();
  }
  return { x, y, rows, cols };
}

function matrix(lib: XGBoostLib, data: Dataset, names?: string[]): DMatrix {
  return DMatrix.fromFloat32(lib, data.x, data.rows, data.cols, {
    labels: data.y,
    featureNames: names,
  });
}

function meanSquaredError(predicted: Float32Array, actual: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += (predicted[i] - actual[i]) ** 2;
  return sum / actual.length;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

const regression: XGBoostParams = {
  objective: 'reg:squarederror',
  max_depth: 4,
  eta: 0.2,
  subsample: 0.8,
  colsample_bytree: 0.8,
  nthread: 2,
  seed: 11,
};

/** Train on fresh matrices and free everything but the booster. */
function fit(
  lib: XGBoostLib,
  params: XGBoostParams,
  train: Dataset,
  valid: Dataset,
  rounds: number,
  earlyStoppingRounds?: number,
) {
  const dtrain = matrix(lib, train);
  const dvalid = matrix(lib, valid);
  const booster = Booster.create(lib, params);
  try {
    const result = booster.train({ train: dtrain, valid: dvalid, rounds, earlyStoppingRounds });
    return { booster, result };
  } catch (err) {
    booster.free();
    throw err;
  } finally {
    dtrain.free();
    dvalid.free();
  }
}

describe('XGBoost through koffi', { skip }, () => {
  const lib = status.available ? loadXGBoost() : (undefined as unknown as XGBoostLib);
  const train = linearData(4000, 1);
  const valid = linearData(1000, 2);
  const test = linearData(1000, 3);

  it('reports the library version', () => {
    assert.match(lib.version, /^\d+\.\d+\.\d+$/);
    assert.ok(status.available && status.path.includes('xgboost'));
  });

  it('learns y = x0 − 2·x1 far better than a constant on held-out rows', () => {
    const { booster } = fit(lib, regression, train, valid, 150);
    const dtest = matrix(lib, test);
    try {
      const predicted = booster.predict(dtest);
      const mean = train.y.reduce((a, b) => a + b, 0) / train.rows;
      const constant = new Float32Array(test.rows).fill(mean);
      const modelError = meanSquaredError(predicted, test.y);
      const constantError = meanSquaredError(constant, test.y);
      assert.ok(
        modelError < 0.15 * constantError,
        `model MSE ${modelError} vs constant ${constantError}`,
      );
    } finally {
      dtest.free();
      booster.free();
    }
  });

  it('gives exact TreeSHAP contributions: per row, the bias plus the contributions is the prediction', () => {
    const { booster } = fit(lib, regression, train, valid, 80);
    const dtest = matrix(lib, test);
    try {
      const predicted = booster.predict(dtest);
      const { values, columns } = booster.contributions(dtest);
      assert.equal(columns, test.cols + 1);
      assert.equal(values.length, test.rows * columns);
      const mean = (column: number) => {
        let sum = 0;
        for (let r = 0; r < test.rows; r++) sum += Math.abs(values[r * columns + column]);
        return sum / test.rows;
      };
      for (let r = 0; r < test.rows; r++) {
        let sum = 0;
        for (let c = 0; c < columns; c++) sum += values[r * columns + c];
        assert.ok(Math.abs(sum - predicted[r]) < 1e-5, `row ${r}: ${sum} vs ${predicted[r]}`);
      }
      // y = x0 − 2·x1: x1 matters most, then x0; the distractors barely.
      assert.ok(mean(1) > mean(0) && mean(0) > 5 * mean(3), `${mean(1)} ${mean(0)} ${mean(3)}`);
      const bias = values[columns - 1];
      for (let r = 1; r < test.rows; r++) assert.equal(values[r * columns + columns - 1], bias);
    } finally {
      dtest.free();
      booster.free();
    }
  });

  it('gives binary:logistic probabilities strictly inside (0, 1) that separate the classes', () => {
    const toClass = (data: Dataset): Dataset => ({
      ...data,
      y: data.y.map((value) => (value > 0 ? 1 : 0)),
    });
    const { booster, result } = fit(
      lib,
      { ...regression, objective: 'binary:logistic', eval_metric: ['error', 'logloss'] },
      toClass(train),
      toClass(valid),
      60,
      10,
    );
    const classes = toClass(test);
    const dtest = matrix(lib, classes);
    try {
      assert.equal(result.metric, 'logloss', 'early stopping watches the last eval_metric');
      const probabilities = booster.predict(dtest);
      let correct = 0;
      probabilities.forEach((p, i) => {
        assert.ok(p > 0 && p < 1, `probability ${p}`);
        if ((p > 0.5 ? 1 : 0) === classes.y[i]) correct++;
      });
      assert.ok(correct / classes.rows > 0.85, `accuracy ${correct / classes.rows}`);
    } finally {
      dtest.free();
      booster.free();
    }
  });

  it('stops early on pure noise and keeps the best round', () => {
    const noise = (seed: number): Dataset => {
      const data = linearData(2000, seed);
      const random = createRandom(seed + 100);
      return { ...data, y: data.y.map(() => random.normal()) };
    };
    const iterations: number[] = [];
    const dtrain = matrix(lib, noise(4));
    const dvalid = matrix(lib, noise(5));
    const booster = Booster.create(lib, { ...regression, eta: 0.3, max_depth: 6 });
    try {
      const result = booster.train({
        train: dtrain,
        valid: dvalid,
        rounds: 300,
        earlyStoppingRounds: 10,
        onIteration: (iteration, evaluation) => {
          iterations.push(iteration);
          assert.ok(evaluation.train?.rmse !== undefined && evaluation.valid?.rmse !== undefined);
        },
      });
      assert.ok(result.stoppedEarly);
      assert.ok(result.roundsRun < 60, `ran ${result.roundsRun} rounds`);
      assert.equal(result.roundsRun, result.bestIteration + 11);
      assert.deepEqual(iterations, [...Array(result.roundsRun).keys()]);
      assert.equal(booster.boostedRounds, result.bestIteration + 1);
      assert.equal(booster.getAttribute('best_iteration'), String(result.bestIteration));
      const best = Math.min(...result.history.map((e) => e.valid?.rmse ?? Infinity));
      assert.equal(result.bestScore, best);
    } finally {
      dtrain.free();
      dvalid.free();
      booster.free();
    }
  });

  it('the early-stopped model is exactly the model of its best round count', () => {
    const stopped = fit(lib, { ...regression, eta: 0.5, max_depth: 8 }, train, valid, 400, 5);
    const dtest = matrix(lib, test);
    try {
      assert.ok(stopped.result.stoppedEarly, 'this setup should overfit and stop');
      const rounds = stopped.result.bestIteration + 1;
      const direct = fit(lib, { ...regression, eta: 0.5, max_depth: 8 }, train, valid, rounds);
      try {
        assert.equal(maxAbsDiff(stopped.booster.predict(dtest), direct.booster.predict(dtest)), 0);
      } finally {
        direct.booster.free();
      }
    } finally {
      dtest.free();
      stopped.booster.free();
    }
  });

  it('same data, parameters and seed give a byte-identical JSON model; another seed does not', () => {
    const first = fit(lib, regression, train, valid, 40, 5);
    const second = fit(lib, regression, train, valid, 40, 5);
    const reseeded = fit(lib, { ...regression, seed: 12 }, train, valid, 40, 5);
    try {
      const json = first.booster.saveJson();
      assert.equal(second.booster.saveJson(), json);
      assert.notEqual(reseeded.booster.saveJson(), json);
      const parsed = JSON.parse(json) as { learner: { gradient_booster: unknown } };
      assert.ok(parsed.learner.gradient_booster, 'native XGBoost JSON layout');
    } finally {
      for (const { booster } of [first, second, reseeded]) booster.free();
    }
  });

  it('on every row and column (the default: subsample and colsample_bytree 1), the seed draws nothing', () => {
    const whole = { ...regression, subsample: 1, colsample_bytree: 1 };
    const trees = (booster: Booster) =>
      JSON.stringify(
        (JSON.parse(booster.saveJson()) as { learner: { gradient_booster: unknown } }).learner
          .gradient_booster,
      );
    const first = fit(lib, whole, train, valid, 40, 5);
    const reseeded = fit(lib, { ...whole, seed: 12 }, train, valid, 40, 5);
    try {
      assert.equal(trees(reseeded.booster), trees(first.booster));
    } finally {
      for (const { booster } of [first, reseeded]) booster.free();
    }
  });

  it('a model loaded from its JSON predicts what the in-memory model predicts, after early stopping too', () => {
    const { booster, result } = fit(
      lib,
      { ...regression, eta: 0.5, max_depth: 8 },
      train,
      valid,
      400,
      5,
    );
    const dtest = DMatrix.fromFloat32(lib, test.x, test.rows, test.cols);
    const json = booster.saveJson();
    const loaded = Booster.loadJson(lib, json);
    try {
      assert.ok(result.bestIteration < result.roundsRun - 1);
      assert.ok(maxAbsDiff(booster.predict(dtest), loaded.predict(dtest)) < 1e-6);
      assert.equal(loaded.boostedRounds, result.bestIteration + 1);
      assert.equal(loaded.saveJson(), json);
    } finally {
      loaded.free();
      dtest.free();
      booster.free();
    }
  });

  it('ranks features by total gain under their names, unused ones at 0', () => {
    const names = ['x0', 'x1', 'noise2', 'noise3', 'noise4', 'noise5'];
    const dtrain = matrix(lib, train, names);
    const booster = Booster.create(lib, { ...regression, max_depth: 2 });
    try {
      booster.train({ train: dtrain, rounds: 20 });
      const importance = booster.gainImportance();
      assert.deepEqual(Object.keys(importance), names);
      assert.ok(importance.x1 > importance.x0, JSON.stringify(importance));
      assert.ok(importance.x0 > 10 * Math.max(importance.noise2, importance.noise3));
      const renamed = booster.gainImportance(['a', 'b', 'c', 'd', 'e', 'f']);
      assert.equal(renamed.b, importance.x1);
      assert.throws(() => booster.gainImportance(['a']), DataError);
    } finally {
      dtrain.free();
      booster.free();
    }
  });

  it('a QuantileDMatrix grows the trees of a DMatrix; bins placed on a sample of rows barely move them', () => {
    const rows = (data: Dataset, pick: (r: number) => boolean): RowBatches => {
      const kept = [...Array(data.rows).keys()].filter(pick);
      return {
        rows: kept.length,
        cols: data.cols,
        fill(start, count, values, labels) {
          for (let i = 0; i < count; i++) {
            const r = kept[start + i];
            values.set(data.x.subarray(r * data.cols, (r + 1) * data.cols), i * data.cols);
            labels[i] = data.y[r];
          }
        },
      };
    };
    const params = { ...regression, subsample: 1, colsample_bytree: 1, max_bin: 64 };
    const predictions = (train: DMatrix) => {
      const booster = Booster.create(lib, params);
      const dtest = matrix(lib, test);
      try {
        booster.train({ train, rounds: 40 });
        return booster.predict(dtest);
      } finally {
        booster.free();
        dtest.free();
        train.free();
      }
    };
    // Enough rows that a quarter of them places 64 bins well (over 60 rows a bin).
    const many = linearData(20000, 4);
    const whole = predictions(matrix(lib, many));
    const streamed = predictions(
      quantileDMatrix(
        lib,
        rows(many, () => true),
        { maxBin: 64, batchRows: 1500 },
      ),
    );
    const sampled = predictions(
      quantileDMatrix(
        lib,
        rows(many, () => true),
        {
          maxBin: 64,
          binSample: rows(many, (r) => r % 4 === 0),
        },
      ),
    );
    assert.ok(maxAbsDiff(whole, streamed) < 1e-6, 'the same bins make the same trees');
    // Other bins make other splits, a little: the fit is as good, not identical.
    assert.ok(maxAbsDiff(whole, sampled) > 0, 'the sample placed the bins');
    const spread = Math.sqrt(meanSquaredError(whole, new Float32Array(test.rows)));
    assert.ok(
      Math.sqrt(meanSquaredError(whole, sampled)) < 0.1 * spread,
      `sampled bins moved predictions by more than a tenth of their spread`,
    );
    const [sampledError, wholeError] = [sampled, whole].map((p) => meanSquaredError(p, test.y));
    assert.ok(sampledError < 1.03 * wholeError, `test MSE ${sampledError} against ${wholeError}`);
  });

  it('validates shapes and refuses use after free', () => {
    assert.throws(() => DMatrix.fromFloat32(lib, new Float32Array(5), 2, 3), DataError);
    assert.throws(
      () => DMatrix.fromFloat32(lib, new Float32Array(6), 2, 3, { labels: new Float32Array(3) }),
      DataError,
    );
    const dm = DMatrix.fromFloat32(lib, new Float32Array(6), 2, 3);
    dm.free();
    dm.free();
    assert.ok(dm.freed);
    const booster = Booster.create(lib, regression);
    assert.throws(() => booster.train({ train: dm, rounds: 1 }), /after free/);
    assert.throws(() => booster.saveJson(), /before train/);
    booster.free();
    assert.throws(() => booster.saveJson(), /after free/);
  });

  it('refuses a matrix with the wrong column count, and a bad model with the library message', () => {
    const { booster } = fit(lib, regression, train, valid, 3);
    const narrow = DMatrix.fromFloat32(lib, new Float32Array(4), 2, 2);
    try {
      assert.throws(() => booster.predict(narrow), /expects 6 features but the matrix has 2/);
      assert.throws(
        () => Booster.loadJson(lib, '{"not": "a model"}'),
        (err: unknown) => {
          assert.ok(err instanceof DataError);
          assert.match(err.message, /Not a valid XGBoost JSON model: .+/);
          return true;
        },
      );
      const badParam = Booster.create(lib, { ...regression, max_depth: -3 });
      const dtrain = matrix(lib, train);
      try {
        assert.throws(
          () => badParam.train({ train: dtrain, rounds: 1 }),
          (err: unknown) => {
            assert.match(String(err), /XGBoost .* failed: .*max_depth/);
            assert.doesNotMatch(String(err), /Stack trace/);
            return true;
          },
        );
      } finally {
        dtrain.free();
        badParam.free();
      }
    } finally {
      narrow.free();
      booster.free();
    }
  });
});

describe('XGBoost library lookup', () => {
  it('names the install commands when MLX_XGBOOST_LIB points nowhere', () => {
    const env = { ...process.env, MLX_XGBOOST_LIB: '/nonexistent/libxgboost.so' };
    assert.throws(
      () => loadXGBoost(env),
      (err: unknown) => {
        assert.ok(err instanceof MissingDependencyError);
        assert.equal(err.exitCode, 2);
        assert.match(err.message, /libxgboost was not found/);
        assert.match(err.message, /\/nonexistent\/libxgboost\.so/);
        assert.match(err.hint ?? '', /apt-get install libxgboost-dev/);
        assert.match(err.hint ?? '', /brew install xgboost/);
        assert.match(err.hint ?? '', /MLX_XGBOOST_LIB/);
        return true;
      },
    );
    const missing = xgboostStatus(env);
    assert.equal(missing.available, false);
    assert.match(missing.available ? '' : missing.reason, /not found/);
  });

  it('reports a file that is not a library as missing, with the loader reason', () => {
    const env = { ...process.env, MLX_XGBOOST_LIB: new URL(import.meta.url).pathname };
    assert.throws(() => loadXGBoost(env), MissingDependencyError);
  });

  it('tracks the best round of a maximised metric and stops after the patience', () => {
    const tracker = new BestRound('valid', 2);
    const auc = [0.6, 0.7, 0.69, 0.71, 0.7, 0.705];
    const decisions = auc.map((value, i) =>
      tracker.record(i, { train: { auc: 0.9 }, valid: { logloss: 1, auc: value } }),
    );
    assert.deepEqual(decisions, [
      'continue',
      'continue',
      'continue',
      'continue',
      'continue',
      'stop',
    ]);
    const result = tracker.result(6);
    assert.deepEqual(
      { best: result.bestIteration, score: result.bestScore, metric: result.metric },
      { best: 3, score: 0.71, metric: 'auc' },
    );
    assert.ok(result.stoppedEarly);
  });

  it('parses XGBoost evaluation lines, metric names with dashes and @ included', () => {
    assert.deepEqual(
      parseEvaluation(
        '[12]\ttrain-rmse:0.5\ttrain-error@0.7:0.25\tvalid-rmse:0.75\tvalid-ndcg-:0.5',
      ),
      {
        train: { rmse: 0.5, 'error@0.7': 0.25 },
        valid: { rmse: 0.75, 'ndcg-': 0.5 },
      },
    );
  });
});
