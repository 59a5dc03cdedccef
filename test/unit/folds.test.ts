import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.ts';
import { trainingWindow, walkForwardFolds } from '../../src/training/folds.ts';
import { describe, it } from '../helpers/suite.ts';

describe('walk-forward folds', () => {
  // 500 labelled sessions, 3 folds of 50, horizon 5, a fifth held out for validation.
  const options = {
    labelledDates: 500,
    horizonDays: 5,
    testSessions: 50,
    folds: 3,
    validationShare: 0.2,
  };

  it('tiles the last folds × testSessions dates, oldest first (hand-worked)', () => {
    const folds = walkForwardFolds(options);
    // firstTest = 500 − 3·50 = 350. Fold k tests [350 + 50k, 399 + 50k]; its training
    // dates end at testStart − purge − 1 = 344 + 50k, of which round(345·0.2) = 69
    // (at least 40) are validation: [276, 344]; fitting ends purge before: 270.
    assert.deepEqual(folds[0], {
      index: 0,
      trainStart: 0,
      trainEnd: 270,
      validStart: 276,
      validEnd: 344,
      testStart: 350,
      testEnd: 399,
    });
    // Fold 1: lastTrainDate 394, span 395, validation round(79) = 79: [316, 394].
    assert.deepEqual(folds[1], {
      index: 1,
      trainStart: 0,
      trainEnd: 310,
      validStart: 316,
      validEnd: 394,
      testStart: 400,
      testEnd: 449,
    });
    assert.equal(folds[2].testStart, 450);
    assert.equal(folds[2].testEnd, 499, 'the last fold ends on the last labelled date');
  });

  it('purges at least the horizon between the rows fitted and the rows judged, window or not', () => {
    for (const trainSessions of [0, 200])
      for (const horizonDays of [1, 5, 20]) {
        for (const fold of walkForwardFolds({ ...options, horizonDays, trainSessions })) {
          const at = `h=${horizonDays}, window ${trainSessions}`;
          // Dates strictly between: a label at date d reaches d + h, so h of them are needed.
          assert.ok(fold.testStart - fold.validEnd - 1 >= horizonDays, `test, ${at}`);
          assert.ok(fold.validStart - fold.trainEnd - 1 >= horizonDays, `valid, ${at}`);
          assert.equal(fold.testStart - fold.validEnd - 1, horizonDays, 'no more than needed');
          assert.ok(fold.trainStart <= fold.trainEnd, `a window with rows, ${at}`);
        }
      }
  });

  it('refuses a history too short for the folds, saying how much is needed', () => {
    // 250 training + 5 purge + 3·50 test = 405 sessions at least.
    assert.throws(
      () => walkForwardFolds({ ...options, labelledDates: 404 }),
      (err: unknown) => err instanceof UsageError && /at least 405 needed/.test(err.message),
    );
    assert.equal(walkForwardFolds({ ...options, labelledDates: 405 }).length, 3);
  });

  it('the final window holds out at least 40 validation dates, purged from the fit', () => {
    // 100 dates [0, 99]: round(100·0.2) = 20 < 40, so validation is [60, 99]; fit ends at 54.
    assert.deepEqual(trainingWindow(99, 5, 0.2), {
      trainStart: 0,
      trainEnd: 54,
      validStart: 60,
      validEnd: 99,
    });
    // 1000 dates: validation round(1000·0.2) = 200: [800, 999]; fit ends 800 − 10 − 1.
    assert.deepEqual(trainingWindow(999, 10, 0.2), {
      trainStart: 0,
      trainEnd: 789,
      validStart: 800,
      validEnd: 999,
    });
  });

  it('a rolling window spans the last trainSessions dates, its validation share of them', () => {
    // The last 300 of [0, 999]: [700, 999]; validation round(300·0.2) = 60: [940, 999]; the fit
    // ends 940 − 10 − 1 = 929.
    assert.deepEqual(trainingWindow(999, 10, 0.2, 300), {
      trainStart: 700,
      trainEnd: 929,
      validStart: 940,
      validEnd: 999,
    });
    // A window longer than the history is every date.
    assert.deepEqual(trainingWindow(999, 10, 0.2, 5000), trainingWindow(999, 10, 0.2));
    // Every fold's window ends where the expanding one does and starts trainSessions before.
    for (const [expanding, rolling] of walkForwardFolds(options).map((fold, k) => [
      fold,
      walkForwardFolds({ ...options, trainSessions: 200 })[k],
    ])) {
      assert.equal(rolling.validEnd, expanding.validEnd);
      assert.equal(rolling.trainStart, rolling.validEnd - 199);
      assert.equal(rolling.validEnd - rolling.validStart + 1, 40, 'round(200·0.2), at least 40');
    }
  });
});
