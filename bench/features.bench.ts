import { defaultConfig } from '../src/config.ts';
import { buildMarketContext, computeFeatures, FEATURE_NAMES } from '../src/features/index.ts';
import {
  referenceAdx,
  referenceAtr,
  referenceBollinger,
  referenceCci,
  referenceEma,
  referenceMacd,
  referenceMfi,
  referenceObv,
  referenceRsi,
  referenceSma,
  referenceStochastic,
  referenceWilliamsR,
} from '../src/features/reference.ts';
import { readCsvFile, symbolFromFileName } from '../src/sources/csv.ts';
import { adjustBars } from '../src/store/adjust.ts';
import type { AdjustedSeries } from '../src/store/types.ts';
import { sp500Files } from '../test/helpers/shared-data.ts';
import type { BenchReporter } from './report.ts';

const RUNS = 3;

/**
 * Feature set v1 over every real row: market context from the whole sample,
 * then every symbol's matrix. Loading and adjusting are timed apart.
 */
export async function bench(report: BenchReporter): Promise<void> {
  const files = sp500Files();
  if (files.length === 0) {
    report.note('skipped: ../shared/data/sp500 is absent');
    return;
  }
  const loadStart = performance.now();
  const universe = files.map((file) => {
    const bars = readCsvFile(file).bars.map((b) => ({ ...b, source: 'csv', fetchedAt: 'import' }));
    return adjustBars(symbolFromFileName(file), bars);
  });
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const rows = universe.reduce((sum, s) => sum + s.dates.length, 0);
  report.figure(
    `load + adjust ${rows.toLocaleString('en-US')} rows (not in the figures below)`,
    loadSeconds,
    's',
  );

  const options = { regime: defaultConfig().regime };
  const contextTimes: number[] = [];
  const totalTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const context = buildMarketContext(universe);
    const contextDone = performance.now();
    let checksum = 0;
    for (const series of universe)
      checksum += computeFeatures(series, context, options).valid[series.dates.length - 1];
    totalTimes.push((performance.now() - start) / 1000);
    contextTimes.push((contextDone - start) / 1000);
    if (checksum !== universe.length)
      report.note(`warning: ${universe.length - checksum} last rows invalid`);
  }
  const total = median(totalTimes);
  report.figure('market context', median(contextTimes) * 1000, 'ms');
  report.figure(
    `feature set v1 (${FEATURE_NAMES.length} columns), all rows, market context included`,
    total,
    's',
    `goal < 2 s; median of ${RUNS}, first run ${totalTimes[0].toFixed(2)} s`,
  );
  report.figure('feature rows', Math.round(rows / total), 'rows/s');

  const sample = universe.slice(0, 5);
  const sampleRows = sample.reduce((sum, s) => sum + s.dates.length, 0);
  const referenceStart = performance.now();
  for (const series of sample) classicIndicatorsByReference(series);
  const referenceSeconds = (performance.now() - referenceStart) / 1000;
  report.figure(
    'for comparison: technicalindicators, 13 classic indicators',
    Math.round(sampleRows / referenceSeconds),
    'rows/s',
    `${sample.length} symbols`,
  );
}

function classicIndicatorsByReference(series: AdjustedSeries): void {
  const { close } = series;
  referenceRsi(close, 14);
  referenceMacd(close, 12, 26, 9);
  referenceSma(close, 50);
  referenceEma(close, 12);
  referenceBollinger(close, 20, 2);
  referenceStochastic(series, 14, 3);
  referenceWilliamsR(series, 14);
  referenceAtr(series, 14);
  referenceAdx(series, 14);
  referenceObv(close, series.volume);
  referenceCci(series, 20);
  referenceMfi(series, 14);
  referenceSma(close, 200);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
