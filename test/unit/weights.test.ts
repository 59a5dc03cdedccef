import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../src/config.ts';
import type { PredictionV2, VerificationV2 } from '../../src/ledger/records.ts';
import {
  LOWER_WIDTH,
  OUTPERFORM_ODDS,
  UP_ODDS,
  UPPER_WIDTH,
  WeightState,
} from '../../src/weights/update.ts';
import { ALL_SYMBOLS, componentWeight, EVIDENCE } from '../../src/weights/weights.ts';

const settings = defaultConfig().adaptation;
const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} vs ${expected}`);

function prediction(overrides: Partial<PredictionV2> = {}): PredictionV2 {
  return {
    schema: 'mlx.prediction/2',
    id: 'a'.repeat(24),
    symbol: 'AAPL',
    as_of: '2020-08-27',
    created_at: '2020-08-27T22:00:00Z',
    horizon_days: 5,
    target_date: '2020-09-03',
    current_price: 500,
    predicted_price: 503,
    predicted_change_pct: 0.6,
    interval: { level: 0.8, low: 480, high: 520 },
    direction: 'up',
    probability_up: 0.6,
    confidence: 0.5,
    market_regime: 'bullish',
    signals: [],
    components: { xgb: 0.9, lstm: -0.2, rules: 0.1 },
    model: { name: 'default', version: 'v', feature_set: 'fs1-x' },
    price_basis: { close: 500, adj_factor: 1 },
    expected_excess_pct: 0.4,
    drift_pct: 0.2,
    rank_pct: 80,
    probability_outperform: 0.55,
    ensemble_score: 0.5,
    relative: { xgb: 0.8, lstm: -0.3, rules: 0 },
    volatility: 0.25,
    interval_scale: 0.3,
    ...overrides,
  };
}

function verification(overrides: Partial<VerificationV2> = {}): VerificationV2 {
  return {
    schema: 'mlx.verification/2',
    prediction_id: 'a'.repeat(24),
    symbol: 'AAPL',
    as_of: '2020-08-27',
    target_date: '2020-09-03',
    verified_at: '2020-09-05T10:00:00Z',
    status: 'verified',
    actual_change_pct: 6,
    actual_price: 530,
    direction_hit: true,
    within_interval: false,
    universe_size: 50,
    actual_excess_pct: 1.5,
    excess_hit: true,
    ...overrides,
  };
}

describe('the learning loop', () => {
  it('moves weights by the documented rule (hand-worked, horizon 5 so each outcome counts 1/5)', () => {
    const state = new WeightState(settings);
    const changes = state.apply(prediction(), verification());
    // xgb ranked AAPL above the mean and it outperformed: g = +1. η = 0.05, ω = 0.2, N = 50.
    close(Math.log(state.get(ALL_SYMBOLS, 'xgb')), (0.05 * 0.2) / 50);
    close(Math.log(state.get('AAPL', 'xgb')), 0.05 * 0.2 - 0.05 * 0.2 * (0 - (0.05 * 0.2) / 50));
    // lstm ranked it below: g = −1.
    close(Math.log(state.get('AAPL', 'lstm')), -0.05 * 0.2 - 0.05 * 0.2 * (0 + (0.05 * 0.2) / 50));
    // rules made no relative call: unchanged.
    assert.equal(state.get('AAPL', 'rules'), 1);
    close(state.get('AAPL', EVIDENCE), 0.2);
    // 530 is above the 80% interval [480, 520]: the upper side widens, the lower narrows
    // (γ = 0.3; each tail's target miss rate is 0.1).
    close(Math.log(state.get(ALL_SYMBOLS, UPPER_WIDTH)), (0.3 * 0.2 * 0.9) / 50);
    close(Math.log(state.get(ALL_SYMBOLS, LOWER_WIDTH)), (0.3 * 0.2 * -0.1) / 50);
    // It outperformed at P 0.55: κ = 0.2. P(up)'s online intercept is off by default.
    close(Math.log(state.get(ALL_SYMBOLS, OUTPERFORM_ODDS)), (0.2 * 0.2 * 0.45) / 50);
    assert.equal(state.get(ALL_SYMBOLS, UP_ODDS), 1);
    assert.ok(changes.every((c) => c.prediction_id === 'a'.repeat(24) && c.reason.length > 0));
    assert.ok(
      changes.some((c) => c.symbol === 'AAPL' && c.signal === 'xgb' && /right/.test(c.reason)),
    );
  });

  it('no per-stock weight moves more than maxStep for one outcome, and weights stay in [floor, cap]', () => {
    const state = new WeightState({ ...settings, learningRate: 1 });
    for (let i = 0; i < 200; i++) {
      const excess = i % 7 === 0 ? -1 : 1;
      const before = state.get('AAPL', 'xgb');
      state.apply(prediction({ horizon_days: 1 }), verification({ actual_excess_pct: excess }));
      const after = state.get('AAPL', 'xgb');
      assert.ok(Math.abs(Math.log(after / before)) <= settings.maxStep + 1e-12);
      assert.ok(after >= settings.floor && after <= settings.cap);
    }
  });

  it('a stock uses its own weight only after minEvidence independent outcomes', () => {
    const own = new Map([
      ['xgb', 1.3],
      [EVIDENCE, 19.8],
    ]);
    const all = new Map([['xgb', 1.05]]);
    assert.equal(componentWeight(own, all, 'xgb', 20), 1.05);
    own.set(EVIDENCE, 20);
    assert.equal(componentWeight(own, all, 'xgb', 20), 1.3);
  });

  it('the same inputs in the same order give the same weights; old records move nothing', () => {
    const run = () => {
      const state = new WeightState(settings);
      for (const excess of [1, -2, 0.5, -0.1]) {
        state.apply(prediction(), verification({ actual_excess_pct: excess }));
      }
      return state.entries();
    };
    assert.deepEqual(run(), run());
    const state = new WeightState(settings);
    const old = { ...prediction(), schema: 'mlx.prediction/1' as const };
    assert.deepEqual(state.apply(old, verification()), []);
    assert.deepEqual(
      state.apply(prediction(), {
        ...verification(),
        status: 'unresolvable',
        actual_change_pct: undefined,
      }),
      [],
    );
  });
});
