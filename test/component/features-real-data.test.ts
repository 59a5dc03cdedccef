import assert from 'node:assert/strict';
import { before, describe, test } from '../helpers/suite.ts';
import { defaultConfig } from '../../src/config.ts';
import {
  buildMarketContext,
  computeFeatures,
  FEATURE_NAMES,
  featureValue,
  rowAsOf,
} from '../../src/features/index.ts';
import type { FeatureMatrix } from '../../src/features/index.ts';
import { ema, sma } from '../../src/features/kernels/averages.ts';
import {
  averageGainLoss,
  cci,
  macd,
  stochastic,
  williamsR,
} from '../../src/features/kernels/momentum.ts';
import { atr, bollinger } from '../../src/features/kernels/volatility.ts';
import {
  referenceAtr,
  referenceAverageGainLoss,
  referenceBollinger,
  referenceCci,
  referenceEma,
  referenceMacd,
  referenceSma,
  referenceStochastic,
  referenceWilliamsR,
} from '../../src/features/reference.ts';
import { readCsvFile, symbolFromFileName } from '../../src/sources/csv.ts';
import { adjustBars } from '../../src/store/adjust.ts';
import type { AdjustedSeries } from '../../src/store/types.ts';
import { skipWithoutSp500, sp500Files } from '../helpers/shared-data.ts';

function load(file: string): AdjustedSeries {
  const bars = readCsvFile(file).bars.map((b) => ({ ...b, source: 'csv', fetchedAt: 'import' }));
  return adjustBars(symbolFromFileName(file), bars);
}

describe('features on the real S&P 500 sample', { skip: skipWithoutSp500 }, () => {
  let universe: AdjustedSeries[] = [];
  let matrices: FeatureMatrix[] = [];
  before(() => {
    universe = sp500Files().map(load);
    const context = buildMarketContext(universe);
    matrices = universe.map((s) => computeFeatures(s, context, { regime: defaultConfig().regime }));
  });
  const matrixOf = (symbol: string) => {
    const matrix = matrices.find((m) => m.symbol === symbol);
    assert.ok(matrix, `${symbol} loaded`);
    return matrix;
  };

  test('AAPL on 2020-08-31, the day of its 4:1 split: a 1-day log return of about +0.0333', () => {
    const aapl = matrixOf('AAPL');
    const row = rowAsOf(aapl, '2020-08-31');
    assert.equal(aapl.dates[row], '2020-08-31');
    const ret = featureValue(aapl, row, 'ret_1');
    // 129.04 after the split against 499.23 / 4 before it
    assert.ok(Math.abs(ret - Math.log(129.04 / (499.23 / 4))) < 1e-6, `ret_1 = ${ret}`);
    assert.ok(Math.abs(ret - 0.0333) < 0.001);
    assert.equal(aapl.valid[row], 1);
    assert.ok(
      Math.abs(featureValue(aapl, row, 'close_sma_20')) < 0.2,
      'no split step in the moving average',
    );
    assert.ok(featureValue(aapl, row, 'volume_ratio_20') < 3, 'no split step in volume');
  });

  test('every row after warm-up is valid and finite in all 55 symbols, zero-volume days included', () => {
    assert.equal(matrices.length, 55);
    const width = FEATURE_NAMES.length;
    let zeroVolumeRows = 0;
    for (const [k, matrix] of matrices.entries()) {
      const first = matrix.valid.indexOf(1);
      assert.ok(first >= 0 && first <= 260, `${matrix.symbol} warms up by row 260 (at ${first})`);
      for (let t = first; t < matrix.dates.length; t++) {
        if (matrix.valid[t] !== 1) {
          const bad = FEATURE_NAMES.filter(
            (_, j) => !Number.isFinite(matrix.values[t * width + j]),
          );
          assert.fail(`${matrix.symbol} ${matrix.dates[t]}: not finite: ${bad.join(', ')}`);
        }
        if (universe[k].volume[t] === 0) zeroVolumeRows++;
      }
    }
    // MNST 22, CHTR 17, VIAC 4, ANTM 2, HFC 1, NRG 1; 26 of them after warm-up
    assert.ok(zeroVolumeRows >= 20, `${zeroVolumeRows} zero-volume rows checked`);
  });

  test('the fast kernels agree with technicalindicators on real AAPL', () => {
    const aapl = universe.find((s) => s.symbol === 'AAPL');
    assert.ok(aapl);
    const { high, low, close } = aapl;
    const bars = { high, low, close, volume: aapl.volume };
    const pairs: [string, Float64Array, Float64Array][] = [
      ['sma(200)', sma(close, 200), referenceSma(close, 200)],
      ['ema(26)', ema(close, 26), referenceEma(close, 26)],
      ['avgGain', averageGainLoss(close, 14).avgGain, referenceAverageGainLoss(close, 14).avgGain],
      ['avgLoss', averageGainLoss(close, 14).avgLoss, referenceAverageGainLoss(close, 14).avgLoss],
      ['macd', macd(close, 12, 26, 9).histogram, referenceMacd(close, 12, 26, 9).histogram],
      ['atr', atr(high, low, close, 14), referenceAtr(bars, 14)],
      ['%B', bollinger(close, 20, 2).percentB, referenceBollinger(close, 20, 2).percentB],
      ['%D', stochastic(high, low, close, 14, 3).d, referenceStochastic(bars, 14, 3).d],
      ['%R', williamsR(high, low, close, 14), referenceWilliamsR(bars, 14)],
      ['cci', cci(high, low, close, 20), referenceCci(bars, 20)],
    ];
    // ADX and MFI are left to the random-walk check: real prices tie (equal
    // moves, equal typical prices), where the kernels deliberately differ.
    for (const [name, ours, theirs] of pairs) {
      let compared = 0;
      for (let t = 0; t < close.length; t++) {
        if (Number.isNaN(theirs[t])) {
          assert.ok(Number.isNaN(ours[t]), `${name}[${t}] defined before the reference`);
          continue;
        }
        const scale = Math.max(Math.abs(ours[t]), Math.abs(theirs[t]));
        assert.ok(
          Math.abs(ours[t] - theirs[t]) <= 1e-6 * scale + 1e-9,
          `${name}[${t}]: ${ours[t]} vs ${theirs[t]}`,
        );
        compared++;
      }
      assert.ok(compared > 5000, `${name}: ${compared} values compared`);
    }
  });
});
