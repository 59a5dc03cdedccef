import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Prediction, PredictionV1 } from '../../src/ledger/records.ts';
import { adjustBars } from '../../src/store/adjust.ts';
import type { StoredBar } from '../../src/store/types.ts';
import { scorePrediction, universeMove } from '../../src/verification/score.ts';

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

describe('relative outcomes', () => {
  const series = (symbol: string, closes: number[]) =>
    adjustBars(
      symbol,
      closes.map((c, i) => bar(['2020-08-27', '2020-08-28', '2020-08-31'][i], c)),
    );
  const member = (symbol: string, closes: number[]) => {
    const s = series(symbol, closes);
    return { series: s, index: new Map(s.dates.map((d, i) => [d, i])) };
  };

  it('the universe move is the mean log return of the members with both bars', () => {
    const move = universeMove(
      [member('A', [100, 101, 110]), member('B', [50, 50, 45]), member('C', [10])],
      '2020-08-27',
      2,
    );
    assert.equal(move?.size, 2);
    assert.ok(Math.abs((move?.logMean ?? NaN) - (Math.log(1.1) + Math.log(0.9)) / 2) < 1e-12);
  });

  it('records the stock against its universe, and whether a /2 prediction had the excess sign', () => {
    const aapl = series('AAPL', [500, 505, 516]);
    const universe = { logMean: Math.log(1.01), size: 40 };
    const v2 = {
      ...prediction(),
      schema: 'mlx.prediction/2' as const,
      expected_excess_pct: 0.4,
      drift_pct: 0.2,
      rank_pct: 80,
      probability_outperform: 0.56,
      ensemble_score: 0.3,
      volatility: 0.25,
      interval_scale: 0.3,
    };
    const scored = scorePrediction(
      v2,
      aapl,
      't',
      { today: '2020-09-05', graceDays: 14 },
      undefined,
      () => universe,
    );
    const v = scored.status === 'due' ? scored.verification : assert.fail();
    assert.equal(v.schema, 'mlx.verification/2');
    const excess = v.schema === 'mlx.verification/2' ? v : assert.fail();
    assert.equal(excess.universe_size, 40);
    assert.ok(Math.abs((excess.universe_change_pct as number) - 1) < 1e-9);
    // log(1.032) − log(1.01), back to percent.
    assert.ok(Math.abs((excess.actual_excess_pct as number) - (1.032 / 1.01 - 1) * 100) < 1e-3);
    assert.equal(excess.excess_hit, true);
    // A /1 prediction states no excess: the realised one is recorded, no relative hit.
    const old = scorePrediction(
      prediction(),
      aapl,
      't',
      { today: '2020-09-05', graceDays: 14 },
      undefined,
      () => universe,
    );
    const o = old.status === 'due' ? old.verification : assert.fail();
    assert.ok(
      o.schema === 'mlx.verification/2' &&
        o.excess_hit === undefined &&
        o.actual_excess_pct !== undefined,
    );
  });
});
