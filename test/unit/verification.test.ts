import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../src/config.ts';
import type { Prediction, PredictionV1 } from '../../src/ledger/records.ts';
import { adjustBars } from '../../src/store/adjust.ts';
import type { StoredBar } from '../../src/store/types.ts';
import { scorePrediction } from '../../src/verification/score.ts';
import { ALL_SYMBOLS, WeightState } from '../../src/weights/update.ts';

const bar = (date: string, close: number, split = 1): StoredBar => ({
  date,
  open: close,
  high: close,
  low: close,
  close,
  volume: 100,
  dividend: 0,
  split,
  adjClose: null,
  source: 'csv',
  fetchedAt: 'x',
});

function prediction(overrides: Partial<PredictionV1> = {}): Prediction {
  return {
    schema: 'mlx.prediction/1',
    id: 'a'.repeat(24),
    symbol: 'AAPL',
    as_of: '2020-08-27',
    created_at: '2020-08-27T22:00:00Z',
    horizon_days: 2,
    target_date: '2020-08-31',
    current_price: 500,
    predicted_price: 510,
    predicted_change_pct: 2,
    interval: { level: 0.8, low: 490, high: 530 },
    direction: 'up',
    probability_up: 0.6,
    confidence: 0.5,
    market_regime: 'bullish',
    signals: [
      { name: 'golden_cross', value: 0.4, weight: 1 },
      { name: 'overbought', value: -0.3, weight: 1 },
    ],
    components: { rules: 0.001 },
    model: { name: 'default', version: 'v', feature_set: 'fs1-x' },
    price_basis: { close: 500, adj_factor: 1 },
    ...overrides,
  };
}

describe('scorePrediction', () => {
  it('scores across a 4:1 split on adjusted prices, not as a −75% move', () => {
    // As traded: 500 on as_of, 505 next day, then 4:1 → 129 (≈ 516 pre-split).
    const series = adjustBars('AAPL', [
      bar('2020-08-27', 500),
      bar('2020-08-28', 505),
      bar('2020-08-31', 129, 4),
    ]);
    const scored = scorePrediction(prediction(), series, '2020-09-05T10:00:00Z', {
      today: '2020-09-05',
      graceDays: 14,
    });
    assert.equal(scored.status, 'due');
    const v = scored.status === 'due' ? scored.verification : assert.fail();
    assert.equal(v.status, 'verified');
    assert.equal(v.actual_date, '2020-08-31');
    assert.ok(Math.abs((v.actual_change_pct as number) - 3.2) < 1e-9, String(v.actual_change_pct));
    assert.equal(v.actual_price, 516);
    assert.equal(v.direction_hit, true);
    assert.equal(v.within_interval, true);
    assert.ok(Math.abs((v.error_pct as number) - (2 - 3.2)) < 1e-9);
  });

  it('waits while the horizon has not elapsed; missing bars long after the target are an error, not a record', () => {
    const series = adjustBars('AAPL', [bar('2020-08-27', 500), bar('2020-08-28', 505)]);
    assert.equal(
      scorePrediction(prediction(), series, 't', { today: '2020-09-02', graceDays: 14 }).status,
      'pending',
    );
    const late = scorePrediction(prediction(), series, 't', { today: '2020-10-01', graceDays: 14 });
    assert.equal(late.status, 'missing');
    assert.match(
      late.status === 'missing' ? late.reason : '',
      /only 1 bar\(s\) after 2020-08-27, the last on 2020-08-28; 2 needed/,
    );
  });

  it('an empty series (store or symbol removed) is missing data, never unresolvable', () => {
    const empty = adjustBars('AAPL', []);
    const scored = scorePrediction(prediction(), empty, 't', {
      today: '2021-06-01',
      graceDays: 14,
    });
    assert.deepEqual(scored, {
      status: 'missing',
      reason: 'no bars in the store; 2 needed (target 2020-08-31)',
    });
  });

  it('unresolvable needs evidence: the series continues past the target without the as_of bar', () => {
    const series = adjustBars('AAPL', [
      bar('2020-08-26', 498),
      bar('2020-08-28', 505),
      bar('2020-08-31', 510),
      bar('2020-09-01', 512),
    ]);
    // Evidence is there at once; no grace is needed.
    const scored = scorePrediction(prediction(), series, 't', {
      today: '2020-09-02',
      graceDays: 14,
    });
    assert.ok(scored.status === 'due', scored.status);
    assert.equal(scored.verification.status, 'unresolvable');
    assert.match(
      scored.verification.reason ?? '',
      /no bar on 2020-08-27 .*continues to 2020-09-01/,
    );
    // A series that stops before the target proves nothing: missing, after the grace.
    const stopped = adjustBars('AAPL', [bar('2020-08-26', 498), bar('2020-08-28', 505)]);
    assert.equal(
      scorePrediction(prediction(), stopped, 't', { today: '2020-10-01', graceDays: 14 }).status,
      'missing',
    );
  });

  it('a known delisting makes missing bars unresolvable, after the grace only', () => {
    const series = adjustBars('AAPL', [bar('2020-08-27', 500)]);
    const giveUp = { graceDays: 14, delisted: true };
    assert.equal(
      scorePrediction(prediction(), series, 't', { ...giveUp, today: '2020-09-10' }).status,
      'pending',
    );
    const late = scorePrediction(prediction(), series, 't', { ...giveUp, today: '2020-10-01' });
    assert.ok(late.status === 'due' && late.verification.status === 'unresolvable');
    assert.match(late.verification.reason ?? '', /^delisted: /);
  });
});

describe('adaptive weights', () => {
  const settings = {
    ...defaultConfig().adaptation,
    learningRate: 0.1,
    shrink: 0.5,
    floor: 0.25,
    cap: 4,
  };
  const verified = (change: number) => ({
    schema: 'mlx.verification/1' as const,
    prediction_id: 'a'.repeat(24),
    symbol: 'AAPL',
    as_of: '2020-08-27',
    target_date: '2020-08-31',
    verified_at: '2020-09-05T10:00:00Z',
    status: 'verified' as const,
    actual_change_pct: change,
    direction_hit: change > 0,
  });

  it('moves each signal by the documented rule: ×(1±η), shrunk toward the all-symbol weight, bounded', () => {
    const state = new WeightState(settings);
    const changes = state.apply(prediction(), verified(3));
    // golden_cross (+0.4) was right: all-symbol 1.1; AAPL 0.5·1.1 + 0.5·1.1 = 1.1.
    assert.ok(Math.abs(state.get(ALL_SYMBOLS, 'golden_cross') - 1.1) < 1e-12);
    assert.ok(Math.abs(state.get('AAPL', 'golden_cross') - 1.1) < 1e-12);
    // overbought (−0.3) was wrong: 0.9.
    assert.ok(Math.abs(state.get('AAPL', 'overbought') - 0.9) < 1e-12);
    assert.equal(changes.length, 4);
    assert.ok(changes.every((c) => c.prediction_id === 'a'.repeat(24) && c.reason.length > 0));
    for (let i = 0; i < 100; i++) state.apply(prediction(), verified(3));
    assert.equal(state.get('AAPL', 'golden_cross'), 4);
    assert.equal(state.get('AAPL', 'overbought'), 0.25);
  });

  it('same inputs in the same order give the same weights; unresolvable changes nothing', () => {
    const run = () => {
      const state = new WeightState(settings);
      for (const change of [3, -1, 2, -4, 0.5]) state.apply(prediction(), verified(change));
      return state.entries();
    };
    assert.deepEqual(run(), run());
    const state = new WeightState(settings);
    assert.deepEqual(
      state.apply(prediction(), {
        ...verified(1),
        status: 'unresolvable',
        actual_change_pct: undefined,
      }),
      [],
    );
  });

  it('the magnitude rule scales a symbol down after a poor hit rate over its window', () => {
    const state = new WeightState({ ...settings, magnitudeWindow: 4 });
    for (let i = 0; i < 4; i++) state.apply(prediction(), verified(-1));
    assert.ok(Math.abs(state.get('AAPL', 'magnitude') - 0.95) < 1e-12);
  });
});
