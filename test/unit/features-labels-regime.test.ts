import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultConfig } from '../../src/config.ts';
import {
  classifyRegime,
  forwardLabels,
  REGIME_UNKNOWN,
  regimeName,
  regimeSeries,
} from '../../src/features/index.ts';
import { closeTo, seriesFrom, weekdays } from './features-fixtures.ts';

const thresholds = defaultConfig().regime;

function closesSeries(close: number[]) {
  const values = Float64Array.from(close);
  return seriesFrom('L', weekdays('2021-01-04', close.length), {
    open: values,
    high: values,
    low: values,
    close: values,
    volume: new Float64Array(close.length).fill(1),
  });
}

describe('forward labels', () => {
  test('log(close[t + h] / close[t]) and its direction; the last h rows are unlabelled', () => {
    const labels = forwardLabels(closesSeries([100, 110, 99, 99, 120]), 2);
    assert.ok(closeTo(labels.logReturn[0], Math.log(0.99), 1e-15));
    assert.ok(closeTo(labels.logReturn[1], Math.log(0.9), 1e-15));
    assert.ok(closeTo(labels.logReturn[2], Math.log(120 / 99), 1e-15));
    assert.ok(Number.isNaN(labels.logReturn[3]) && Number.isNaN(labels.logReturn[4]));
    assert.deepEqual([...labels.up], [0, 0, 1, 0, 0]);
  });

  test('a flat horizon is not "up"; horizons count bars', () => {
    const labels = forwardLabels(closesSeries([100, 100, 101]), 1);
    assert.equal(labels.logReturn[0], 0);
    assert.equal(labels.up[0], 0);
    assert.equal(labels.up[1], 1);
  });

  test('a horizon longer than the history labels nothing; a bad horizon is refused', () => {
    const labels = forwardLabels(closesSeries([1, 2, 3]), 5);
    assert.ok(labels.logReturn.every(Number.isNaN));
    assert.throws(() => forwardLabels(closesSeries([1, 2]), 0), RangeError);
    assert.throws(() => forwardLabels(closesSeries([1, 2]), 2.5), RangeError);
  });
});

describe('market regime rule', () => {
  test('bullish and bearish need calm markets; volatility above 35% is volatile whatever the return', () => {
    assert.equal(classifyRegime(0.06, 0.2, thresholds), 'bullish');
    assert.equal(classifyRegime(-0.06, 0.2, thresholds), 'bearish');
    assert.equal(classifyRegime(0.2, 0.5, thresholds), 'volatile');
    assert.equal(classifyRegime(-0.2, 0.5, thresholds), 'volatile');
    assert.equal(classifyRegime(0.01, 0.5, thresholds), 'volatile');
    assert.equal(classifyRegime(0.04, 0.2, thresholds), 'sideways');
    assert.equal(classifyRegime(0.05, 0.2, thresholds), 'sideways'); // strictly above +5%
    assert.equal(classifyRegime(0.1, 0.35, thresholds), 'sideways'); // neither below nor above 35%
  });

  test('thresholds come from config', () => {
    const custom = { ...thresholds, bullishReturn: 0.1, volatileAnnualised: 0.6 };
    assert.equal(classifyRegime(0.06, 0.2, custom), 'sideways');
    assert.equal(classifyRegime(0.2, 0.5, custom), 'bullish');
  });

  test('regimeSeries: a 20-session return and annualised volatility per session', () => {
    // +0.4% a day with a small wobble: 20-day return ≈ +8.3%, volatility ≈ 1.6% annualised.
    const rising = Array.from(
      { length: 40 },
      (_, t) => 100 * Math.exp(0.004 * t + 0.001 * (t % 2)),
    );
    const codes = regimeSeries(Float64Array.from(rising), thresholds);
    assert.ok(codes.subarray(0, 20).every((c) => c === REGIME_UNKNOWN));
    assert.equal(regimeName(codes[20]), 'bullish');
    assert.equal(regimeName(codes[39]), 'bullish');
    const falling = rising.map((v) => 10_000 / v);
    assert.equal(regimeName(regimeSeries(Float64Array.from(falling), thresholds)[39]), 'bearish');
    // ±3% a day: about 48% annualised.
    const choppy = Array.from({ length: 40 }, (_, t) => 100 * (t % 2 === 0 ? 1 : 1.03));
    assert.equal(regimeName(regimeSeries(Float64Array.from(choppy), thresholds)[39]), 'volatile');
    const flat = new Float64Array(40).fill(100);
    assert.equal(regimeName(regimeSeries(flat, thresholds)[39]), 'sideways');
  });

  test('the lookback window follows lookbackSessions', () => {
    const rising = Float64Array.from({ length: 40 }, (_, t) => 100 * Math.exp(0.004 * t));
    const codes = regimeSeries(rising, { ...thresholds, lookbackSessions: 5 });
    assert.equal(codes[4], REGIME_UNKNOWN);
    // 5 sessions of +0.4%: +2%, not bullish.
    assert.equal(regimeName(codes[5]), 'sideways');
  });
});
