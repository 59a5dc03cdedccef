import { UsageError } from '../errors.ts';

/**
 * Walk-forward splits on a date axis (indices into the sorted session dates).
 * Training rows end `purge` sessions before the rows they are judged on, so no
 * label window overlaps: a row at date d has a label reaching d + horizon.
 */
export interface Fold {
  index: number;
  /** Dates [trainStart, trainEnd] fit the model; the validation slice follows after a purge. */
  trainStart: number;
  trainEnd: number;
  /** Early stopping and calibration: [validStart, validEnd], carved from training dates. */
  validStart: number;
  validEnd: number;
  /** Judged on [testStart, testEnd]. */
  testStart: number;
  testEnd: number;
}

export interface FoldOptions {
  /** Sessions on the date axis that have labels (the last h dates have none). */
  labelledDates: number;
  horizonDays: number;
  /** Sessions per test fold (63 ≈ three months). */
  testSessions: number;
  folds: number;
  /** Share of each training window held out (its most recent part) for validation. */
  validationShare: number;
  /** Sessions a fit's window spans, validation included (0: every session from the first). */
  trainSessions?: number;
}

export function walkForwardFolds(options: FoldOptions): Fold[] {
  const purge = options.horizonDays;
  const firstTest = options.labelledDates - options.folds * options.testSessions;
  const minimumTrain = 250;
  if (firstTest - purge < minimumTrain) {
    throw new UsageError(
      `not enough history for ${options.folds} walk-forward folds of ${options.testSessions} sessions ` +
        `(${options.labelledDates} labelled sessions; at least ${minimumTrain + purge + options.folds * options.testSessions} needed)`,
      'import more history, or lower the fold count',
    );
  }
  const folds: Fold[] = [];
  for (let k = 0; k < options.folds; k++) {
    const testStart = firstTest + k * options.testSessions;
    folds.push({
      index: k,
      ...trainingWindow(
        testStart - purge - 1,
        purge,
        options.validationShare,
        options.trainSessions,
      ),
      testStart,
      testEnd: testStart + options.testSessions - 1,
    });
  }
  return folds;
}

/**
 * Split the dates up to lastTrainDate into fit and validation parts with a purge between them:
 * every date from the first, or the last `trainSessions` of them (a rolling window).
 */
export function trainingWindow(
  lastTrainDate: number,
  purge: number,
  validationShare: number,
  trainSessions = 0,
): { trainStart: number; trainEnd: number; validStart: number; validEnd: number } {
  const trainStart = trainSessions > 0 ? Math.max(0, lastTrainDate - trainSessions + 1) : 0;
  const span = lastTrainDate - trainStart + 1;
  const validLength = Math.max(40, Math.round(span * validationShare));
  const validStart = lastTrainDate - validLength + 1;
  return { trainStart, trainEnd: validStart - purge - 1, validStart, validEnd: lastTrainDate };
}

/** Whether a date index is among a window's fitting dates, [trainStart, trainEnd]. */
export function inWindow(date: number, window: { trainStart: number; trainEnd: number }): boolean {
  return date >= window.trainStart && date <= window.trainEnd;
}
