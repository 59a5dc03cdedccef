import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dailyRankIcOf } from '../helpers/rank-ic.ts';
import { neweyWestT } from '../../src/evaluation/stats.ts';
import { createRandom } from '../../src/random.ts';
import { blendIsBetter } from '../../src/training/daily-rank-ic.ts';
import {
  applyHead,
  fitHead,
  type HeadFitRows,
  type TrainingBase,
} from '../../src/training/head.ts';

const base: TrainingBase = {
  horizonDays: 5,
  drift: 0.002,
  upRate: 0.55,
  upRateAfterUp: 0.55,
  upRateAfterDown: 0.55,
  upGivenVolatility: { a: 5, b: 0.1 },
};

/** `dates` × `symbols` rows: forward = drift + excess, excess a seeded normal, volatility per symbol. */
function market(seed: number, dates = 60, symbols = 20) {
  const random = createRandom(seed);
  const n = dates * symbols;
  const dateIndex = Int32Array.from({ length: n }, (_, r) => Math.floor(r / symbols));
  const volatility = Float64Array.from({ length: n }, (_, r) => 0.2 + 0.02 * (r % symbols));
  const raw = Float64Array.from({ length: n }, (_, r) => 0.02 * random.normal() * volatility[r]);
  const excess = new Float64Array(n);
  for (let d = 0; d < dates; d++) {
    let m = 0;
    for (let s = 0; s < symbols; s++) m += raw[d * symbols + s] / symbols;
    for (let s = 0; s < symbols; s++) excess[d * symbols + s] = raw[d * symbols + s] - m;
  }
  const forward = Float64Array.from(excess, (e) => base.drift + e);
  const noise = () => Float64Array.from({ length: n }, () => random.normal());
  // The interval's own scale: a shorter-window volatility, here half the longer one.
  const intervalScale = Float64Array.from(volatility, (v) => v / 2);
  /** The head's fitting rows of this market, with these component scores. */
  const rows = (components: HeadFitRows['components']): HeadFitRows => ({
    dateIndex,
    forward,
    excess,
    volatility,
    intervalScale,
    components,
  });
  return { n, dateIndex, volatility, intervalScale, excess, forward, noise, rows };
}

test('a component that knows the excess exactly: the head recovers it in return units', () => {
  const m = market(1);
  // A score in its own units (three times the excess), as a model learning a rank label would give.
  const rows = m.rows({ xgb: Float64Array.from(m.excess, (e) => 3 * e), rules: m.noise() });
  const head = fitHead(rows, base);
  assert.deepEqual(head.weights, { xgb: 1, rules: 0 });
  const forecast = applyHead(head, rows);
  for (let r = 0; r < m.n; r++) {
    assert.ok(Math.abs(forecast.excess[r] - m.excess[r]) < 1e-9, `row ${r}`);
    assert.ok(Math.abs(forecast.forecast[r] - m.forward[r]) < 1e-9, `row ${r}`);
  }
  assert.equal(head.drift, base.drift);
});

test('the ensemble is never worse than its best component on the validation rows', () => {
  for (const seed of [2, 3, 4, 5, 6]) {
    const m = market(seed);
    const signal = (strength: number) =>
      Float64Array.from(m.noise(), (z, r) => z + (strength * m.excess[r]) / 0.004);
    const components = { xgb: signal(0.3), lstm: signal(0.1), rules: signal(-0.2) };
    const rows = m.rows(components);
    const head = fitHead(rows, base);
    const ensemble = dailyRankIcOf(applyHead(head, rows).score, m.forward, m.dateIndex);
    for (const name of ['xgb', 'lstm', 'rules'] as const) {
      assert.ok(
        ensemble >= dailyRankIcOf(components[name], m.forward, m.dateIndex) - 1e-12,
        `seed ${seed}: ensemble ${ensemble} below ${name}`,
      );
    }
    assert.equal(
      head.weights.rules,
      0,
      'a component with negative validation Rank IC gets no weight',
    );
    assert.ok(Math.abs(Object.values(head.weights).reduce((a, b) => a + b, 0) - 1) < 1e-12);
  }
});

test('two independent signals of the same strength are blended: the blend ranks better by far more than its noise', () => {
  const m = market(11, 250);
  const signal = () => Float64Array.from(m.noise(), (z, r) => z + (0.3 * m.excess[r]) / 0.004);
  const rows = m.rows({ xgb: signal(), lstm: signal() });
  const head = fitHead(rows, base);
  assert.equal(head.weighting, 'validation Rank IC, shrunk by its t');
  assert.ok((head.weights.xgb as number) > 0.3 && (head.weights.lstm as number) > 0.3);
});

test('the blend replaces the best component only when it leads by more than one standard error', () => {
  const random = createRandom(13);
  const best = Array.from({ length: 250 }, () => 0.03 + 0.2 * random.normal());
  const blendWith = (lead: number) => best.map((ic) => ic + lead + 0.05 * random.normal());
  // A lead of 0.001 a day against day-to-day noise of 0.05: positive, well under one standard error.
  const noise = blendWith(0.001);
  assert.ok(noise.reduce((a, b) => a + b, 0) > best.reduce((a, b) => a + b, 0));
  assert.ok(
    neweyWestT(
      noise.map((v, i) => v - best[i]),
      4,
    ) < 1,
  );
  assert.equal(blendIsBetter(noise, best, 5), false);
  // A lead of 0.02 a day: many standard errors.
  assert.equal(blendIsBetter(blendWith(0.02), best, 5), true);
  // Dates where either has no figure are left out of the comparison.
  assert.equal(blendIsBetter([NaN, ...blendWith(0.02)], [0.5, ...best], 5), true);
  assert.equal(blendIsBetter(best, best, 5), false);
});

test('intervals scale with the interval scale and cover 80% of the rows they were fitted on', () => {
  const m = market(7);
  const rows = m.rows({ xgb: m.noise(), rules: m.noise() });
  const head = fitHead(rows, base);
  const forecast = applyHead(head, rows);
  let covered = 0;
  for (let r = 0; r < m.n; r++) {
    if (m.forward[r] >= forecast.low[r] && m.forward[r] <= forecast.high[r]) covered++;
    const width = forecast.high[r] - forecast.low[r];
    assert.ok(
      Math.abs(width - (head.interval.high - head.interval.low) * m.intervalScale[r]) < 1e-12,
    );
  }
  assert.ok(Math.abs(covered / m.n - 0.8) < 0.01, `coverage ${covered / m.n}`);
});

test('P(up) rises with the expected excess and falls with volatility when drift is positive', () => {
  const m = market(8);
  const noise = m.noise();
  const rows = m.rows({ xgb: Float64Array.from(m.excess, (e, r) => e + 0.002 * noise[r]) });
  const head = fitHead(rows, base);
  assert.ok(head.probability_up.excess_slope > 0);
  const at = (excess: number, volatility: number) =>
    applyHead(head, {
      dateIndex: Int32Array.from([0, 0]),
      components: { xgb: Float64Array.from([excess, -excess]) },
      volatility: Float64Array.from([volatility, volatility]),
      intervalScale: Float64Array.from([volatility, volatility]),
    });
  const low = at(0.001, 0.3).probabilityUp[0];
  const high = at(0.01, 0.3).probabilityUp[0];
  assert.ok(high > low, `${high} > ${low}`);
  const calm = at(0, 0.15).probabilityUp[0];
  const wild = at(0, 0.6).probabilityUp[0];
  assert.ok(calm > wild, `${calm} > ${wild}`);
});
