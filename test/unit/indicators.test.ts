import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ema, sma, wilderAverage } from '../../src/features/kernels/averages.ts';
import {
  averageGainLoss,
  cci,
  macd,
  rsi,
  stochastic,
  williamsR,
} from '../../src/features/kernels/momentum.ts';
import { adx, atr, bollinger, trueRange } from '../../src/features/kernels/volatility.ts';
import { mfi, obv, obvSlope } from '../../src/features/kernels/volume.ts';
import {
  referenceAdx,
  referenceAtr,
  referenceAverageGainLoss,
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
} from '../../src/features/reference.ts';
import { closeTo, firstDefined, randomWalkSeries } from './features-fixtures.ts';

const TOLERANCE = 1e-6;

function assertSeries(
  name: string,
  actual: Float64Array,
  expected: readonly number[],
  tolerance = TOLERANCE,
): void {
  assert.equal(actual.length, expected.length, `${name}: length`);
  expected.forEach((value, t) => {
    assert.ok(
      closeTo(actual[t], value, tolerance, tolerance),
      `${name}[${t}] = ${actual[t]}, expected ${value}`,
    );
  });
}

/**
 * Every index from `from` on agrees with the reference; both are NaN before.
 * `absolute` covers references that round (RSI and MFI to two decimals).
 */
function assertMatchesReference(
  name: string,
  actual: Float64Array,
  reference: Float64Array,
  from: number,
  absolute = 0,
): void {
  assert.equal(firstDefined(reference), from, `${name}: the reference's first value is at ${from}`);
  assert.equal(firstDefined(actual), from, `${name}: first value aligned with bar ${from}`);
  let checked = 0;
  for (let t = from; t < reference.length; t++) {
    assert.ok(
      closeTo(actual[t], reference[t], TOLERANCE, absolute),
      `${name}[${t}] = ${actual[t]}, technicalindicators says ${reference[t]}`,
    );
    checked++;
  }
  assert.ok(checked > 1000, `${name}: compared ${checked} values`);
}

describe('hand-checked values on a small fixed series', () => {
  // Eight bars, worked by hand (fractions in the comments).
  const close = Float64Array.from([10, 11, 10.5, 11.5, 12, 11, 11.5, 12.5]);
  const high = Float64Array.from([10.5, 11.5, 11, 12, 12.5, 12, 12, 13]);
  const low = Float64Array.from([9.5, 10.5, 10, 10.5, 11.5, 10.5, 11, 11.5]);

  test('RSI(3), Wilder: seeded by the mean of the first three changes', () => {
    // changes +1, −0.5, +1, +0.5, −1, +0.5, +1
    // t=3: gain (1+0+1)/3 = 2/3, loss 0.5/3 = 1/6          → 100·(2/3)/(5/6) = 80
    // t=4: gain (2·2/3 + 0.5)/3 = 11/18, loss (2·1/6)/3 = 1/9 → 1100/13
    // t=5: gain (2·11/18)/3 = 11/27, loss (2/9 + 1)/3 = 11/27 → 50
    // t=6: gain (22/27 + 0.5)/3 = 71/162, loss 22/81         → 7100/115
    // t=7: gain (142/162 + 1)/3 = 152/243, loss 44/243      → 15200/196
    assertSeries('rsi', rsi(close, 3), [NaN, NaN, NaN, 80, 1100 / 13, 50, 7100 / 115, 15200 / 196]);
    const { avgGain, avgLoss } = averageGainLoss(close, 3);
    assert.ok(closeTo(avgGain[7], 152 / 243, 1e-12) && closeTo(avgLoss[7], 44 / 243, 1e-12));
  });

  test('MACD(2, 3, 2): EMAs seeded by their simple averages', () => {
    // EMA2 (α 2/3) from t=1: 10.5, 10.5, 11.1667, 11.7222, 11.2407, 11.4136, 12.1379
    // EMA3 (α 1/2) from t=2: 10.5, 11, 11.5, 11.25, 11.375, 11.9375
    // line from t=2: 0, 1/6, 2/9, −1/108, 0.0385802, 0.2003601
    // signal (EMA2 of the line) seeded at t=3 by (0 + 1/6)/2 = 1/12
    const result = macd(close, 2, 3, 2);
    assertSeries('line', result.line, [
      NaN,
      NaN,
      0,
      1 / 6,
      2 / 9,
      -1 / 108,
      0.038580246913580245,
      0.20036008230452676,
    ]);
    assertSeries('signal', result.signal, [
      NaN,
      NaN,
      NaN,
      1 / 12,
      0.17592592592592593,
      0.05246913580246913,
      0.043209876543209874,
      0.1479766803840878,
    ]);
    assertSeries('histogram', result.histogram, [
      NaN,
      NaN,
      NaN,
      1 / 12,
      0.046296296296296294,
      -0.06172839506172839,
      -0.004629629629629629,
      0.05238340192043896,
    ]);
  });

  test('ATR(3), Wilder: true range needs the previous close, so the first ATR is at bar 3', () => {
    // TR from t=1: max(H−L, |H−Cprev|, |L−Cprev|) = 1.5, 1, 1.5, 1, 1.5, 1, 1.5
    // t=3: (1.5+1+1.5)/3 = 4/3; t=4: (2·4/3 + 1)/3 = 11/9; t=5: (22/9 + 1.5)/3 = 71/54
    // t=6: (142/54 + 1)/3 = 98/81; t=7: (196/81 + 1.5)/3 = 635/486
    assertSeries('tr', trueRange(high, low, close), [NaN, 1.5, 1, 1.5, 1, 1.5, 1, 1.5]);
    assertSeries('atr', atr(high, low, close, 3), [
      NaN,
      NaN,
      NaN,
      4 / 3,
      11 / 9,
      71 / 54,
      98 / 81,
      635 / 486,
    ]);
  });

  test('Bollinger(3, 2): population deviation, %B and bandwidth', () => {
    // t=3: closes 11, 10.5, 11.5 → mean 11, variance (0 + 0.25 + 0.25)/3 = 1/6
    //      bands 11 ± 2·√(1/6) = 11 ± 0.8164966; %B = (11.5 − 10.1835034)/1.6329932
    // t=4: 10.5, 11.5, 12 → mean 34/3, variance 7/18
    const sd6 = Math.sqrt(1 / 6);
    const sd18 = Math.sqrt(7 / 18);
    const result = bollinger(close, 3, 2);
    assertSeries('middle', result.middle, [NaN, NaN, 10.5, 11, 34 / 3, 11.5, 11.5, 35 / 3]);
    assert.ok(closeTo(result.upper[3], 11 + 2 * sd6, 1e-12));
    assert.ok(closeTo(result.lower[4], 34 / 3 - 2 * sd18, 1e-12));
    assertSeries('%B', result.percentB, [
      NaN,
      NaN,
      0.5,
      (11.5 - (11 - 2 * sd6)) / (4 * sd6),
      (12 - (34 / 3 - 2 * sd18)) / (4 * sd18),
      0.19381378215210282,
      0.5,
      0.8340765523905309,
    ]);
    assertSeries('bandwidth', result.bandwidth, [
      NaN,
      NaN,
      (4 * sd6) / 10.5,
      (4 * sd6) / 11,
      (4 * sd18) / (34 / 3),
      0.141999405378735,
      0.141999405378735,
      0.2138089935299394,
    ]);
  });

  test('Stochastic(3, 2) and Williams %R(3): window includes today', () => {
    // t=2: HH 11.5, LL 9.5 → %K 100·1/2 = 50;  t=3: HH 12, LL 10 → 75, %D 62.5
    // t=4: HH 12.5, LL 10 → 80, %D 77.5;  t=5: HH 12.5, LL 10.5 → 25, %D 52.5
    // t=6: 50, %D 37.5;  t=7: HH 13, LL 10.5 → 80, %D 65
    const result = stochastic(high, low, close, 3, 2);
    assertSeries('%K', result.k, [NaN, NaN, 50, 75, 80, 25, 50, 80]);
    assertSeries('%D', result.d, [NaN, NaN, NaN, 62.5, 77.5, 52.5, 37.5, 65]);
    assertSeries('%R', williamsR(high, low, close, 3), [NaN, NaN, -50, -25, -20, -75, -50, -20]);
  });
});

describe('flat windows take neutral values instead of 0/0', () => {
  const flat = new Float64Array(30).fill(42);
  const zero = new Float64Array(30);

  test('RSI 50, %K 50, %R −50, %B 0.5, CCI 0, MFI 50, OBV slope 0, ADX 0', () => {
    assert.equal(rsi(flat, 14)[29], 50);
    assert.equal(stochastic(flat, flat, flat, 14, 3).k[29], 50);
    assert.equal(williamsR(flat, flat, flat, 14)[29], -50);
    assert.equal(bollinger(flat, 20, 2).percentB[29], 0.5);
    assert.equal(cci(flat, flat, flat, 20)[29], 0);
    assert.equal(mfi(flat, flat, flat, zero, 14)[29], 50);
    assert.equal(obvSlope(flat, zero, 20)[29], 0);
    const directional = adx(flat, flat, flat, 14);
    assert.equal(directional.adx[29], 0);
    assert.equal(directional.plusDI[29], 0);
  });

  test('a flat window after moving prices is recognised despite rounding in the running sums', () => {
    const values = Float64Array.from({ length: 60 }, (_, t) =>
      t < 30 ? 100 + 7.3 * Math.sin(t) : 103.7,
    );
    assert.equal(bollinger(values, 20, 2).percentB[59], 0.5);
  });
});

describe('fast kernels agree with technicalindicators on a long random walk', () => {
  const bars = randomWalkSeries('RW', 3000, 7);
  const { high, low, close, volume } = bars;

  test('SMA and EMA', () => {
    assertMatchesReference('sma(20)', sma(close, 20), referenceSma(close, 20), 19);
    assertMatchesReference('sma(200)', sma(close, 200), referenceSma(close, 200), 199);
    assertMatchesReference('ema(12)', ema(close, 12), referenceEma(close, 12), 11);
    assertMatchesReference('ema(26)', ema(close, 26), referenceEma(close, 26), 25);
  });

  test('RSI(14): the Wilder averages to 1e-6; the RSI to the two decimals the library rounds to', () => {
    const ours = averageGainLoss(close, 14);
    const theirs = referenceAverageGainLoss(close, 14);
    assertMatchesReference('avgGain', ours.avgGain, theirs.avgGain, 14);
    assertMatchesReference('avgLoss', ours.avgLoss, theirs.avgLoss, 14);
    assertMatchesReference('rsi', rsi(close, 14), referenceRsi(close, 14), 14, 0.005 + 1e-9);
  });

  test('MACD(12, 26, 9) with EMA oscillator and signal', () => {
    const ours = macd(close, 12, 26, 9);
    const theirs = referenceMacd(close, 12, 26, 9);
    assertMatchesReference('line', ours.line, theirs.line, 25, 1e-9);
    assertMatchesReference('signal', ours.signal, theirs.signal, 33, 1e-9);
    assertMatchesReference('histogram', ours.histogram, theirs.histogram, 33, 1e-9);
  });

  test('ATR(14) and ADX(14) with ±DI', () => {
    assertMatchesReference('atr', atr(high, low, close, 14), referenceAtr(bars, 14), 14);
    const ours = adx(high, low, close, 14);
    const theirs = referenceAdx(bars, 14);
    // The library reports ±DI only from the first ADX on; compare there.
    assertMatchesReference('adx', ours.adx, theirs.adx, 27);
    for (let t = 27; t < close.length; t++) {
      assert.ok(closeTo(ours.plusDI[t], theirs.plusDI[t], TOLERANCE), `+DI[${t}]`);
      assert.ok(closeTo(ours.minusDI[t], theirs.minusDI[t], TOLERANCE), `−DI[${t}]`);
    }
    assert.equal(firstDefined(ours.plusDI), 14);
  });

  test('Bollinger(20, 2)', () => {
    const ours = bollinger(close, 20, 2);
    const theirs = referenceBollinger(close, 20, 2);
    assertMatchesReference('middle', ours.middle, theirs.middle, 19);
    assertMatchesReference('upper', ours.upper, theirs.upper, 19);
    assertMatchesReference('lower', ours.lower, theirs.lower, 19);
    assertMatchesReference('%B', ours.percentB, theirs.percentB, 19, 1e-9);
  });

  test('Stochastic(14, 3), Williams %R(14), CCI(20)', () => {
    const ours = stochastic(high, low, close, 14, 3);
    const theirs = referenceStochastic(bars, 14, 3);
    assertMatchesReference('%K', ours.k, theirs.k, 13, 1e-9);
    assertMatchesReference('%D', ours.d, theirs.d, 15, 1e-9);
    assertMatchesReference(
      '%R',
      williamsR(high, low, close, 14),
      referenceWilliamsR(bars, 14),
      13,
      1e-9,
    );
    assertMatchesReference('cci', cci(high, low, close, 20), referenceCci(bars, 20), 19, 1e-9);
  });

  test('MFI(14): the library starts a bar later and rounds; from bar 15 on the values agree', () => {
    // Definitional differences (see kernels/volume.ts): technicalindicators
    // ignores bar 0, so its first MFI is at bar 15 where ours is at 14, and
    // counts an unchanged typical price as negative flow (a random walk has
    // none). It rounds to two decimals.
    const ours = mfi(high, low, close, volume, 14);
    const theirs = referenceMfi(bars, 14);
    assert.equal(firstDefined(ours), 14);
    assert.ok(Number.isFinite(ours[14]));
    const fromBar15 = ours.slice();
    fromBar15[14] = NaN;
    assertMatchesReference('mfi', fromBar15, theirs, 15, 0.005 + 1e-9);
  });

  test('OBV: the library starts at bar 1 with the same running total', () => {
    const ours = obv(close, volume);
    const theirs = referenceObv(close, volume);
    assertMatchesReference('obv', ours.subarray(1), theirs.subarray(1), 0);
    assert.equal(ours[0], 0);
  });

  test('Wilder average is EMA with α = 1/period', () => {
    const direct = wilderAverage(close, 14);
    let expected = close.slice(0, 14).reduce((a, b) => a + b, 0) / 14;
    for (let t = 14; t < 100; t++) expected = (expected * 13 + close[t]) / 14;
    assert.ok(closeTo(direct[99], expected, 1e-12));
  });
});
