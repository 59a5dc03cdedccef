import assert from 'node:assert/strict';
import { test } from 'node:test';
import { longShortPeriods, portfolioFigures } from '../../src/evaluation/metrics.ts';
import type { Outcome } from '../../src/report/accuracy.ts';
import { reportOutcome } from '../helpers/report-outcome.ts';
import { relativeOutcomes } from '../../src/report/excess.ts';
import {
  buyAndHold,
  drawdown,
  longAll,
  longShort,
  longTop,
  quantileReturns,
  rebalances,
  runStrategy,
} from '../../src/report/portfolio.ts';
import { rankIcReport, rollingRates } from '../../src/report/series.ts';
import { sparkline } from '../../src/report/sparkline.ts';

const close = (actual: number | null, expected: number, digits = 9) =>
  assert.ok(
    actual !== null && Math.abs(actual - expected) < 10 ** -digits,
    `${actual} ≠ ${expected}`,
  );

const outcome = reportOutcome;

const SYMBOLS = ['A', 'B', 'C', 'D', 'E'];
/** Two one-session periods: scores in order, then reversed. */
function twoPeriods(): Outcome[] {
  const first = [-2, -1, 0, 1, 3];
  const second = [1, 0, 0, 0, -1];
  return [
    ...SYMBOLS.map((s, i) => outcome(s, '2021-01-04', i + 1, first[i], { exit: '2021-01-05' })),
    ...SYMBOLS.map((s, i) => outcome(s, '2021-01-05', 5 - i, second[i], { exit: '2021-01-06' })),
  ];
}

test('long/short by score, net of costs: curve anchored at 1.0 on entry, dated at exit; turnover', () => {
  const periods = rebalances(twoPeriods(), 1);
  assert.deepEqual(
    periods.map((p) => [p.entry, p.exit]),
    [
      ['2021-01-04', '2021-01-05'],
      ['2021-01-05', '2021-01-06'],
    ],
  );
  const score = (o: Outcome) => (o.prediction as { ensemble_score: number }).ensemble_score;
  // Period 1: long E +3%, short A −2%: 5%; building the book trades 2 units at 10 bps.
  // Period 2: long A +1%, short E −1%: 2%; both legs flip against the book held after
  // period 1's returns: E 1.03 / 1.05 long, A −0.98 / 1.05 short.
  const heldE = 1.03 / 1.05;
  const heldA = -0.98 / 1.05;
  const traded = Math.abs(1 - heldA) + Math.abs(-1 - heldE);
  const net = runStrategy(periods, longShort(score), { horizonDays: 1, costBps: 10 });
  assert.deepEqual(
    net.curve.map((p) => p.date),
    ['2021-01-04', '2021-01-05', '2021-01-06'],
  );
  close(net.curve[0].equity, 1);
  close(net.curve[1].equity, 1.048);
  close(net.curve[2].equity, 1.048 * (1.02 - traded / 1000));
  close(net.turnover, traded / 4); // nearly the whole book replaced
  close(net.total_return, 1.048 * (1.02 - traded / 1000) - 1);
  assert.equal(net.sharpe, null, 'two periods: no Sharpe');
  assert.equal(net.annualised_return, null);

  // Without costs, the same periods as the walk-forward metric's long/short.
  const gross = runStrategy(periods, longShort(score), { horizonDays: 1, costBps: 0 });
  const outcomes = twoPeriods();
  const metric = longShortPeriods(
    {
      dateIndex: Int32Array.from(outcomes, (o) => (o.prediction.as_of === '2021-01-04' ? 0 : 1)),
      predicted: Float64Array.from(outcomes, score),
      probabilityUp: new Float64Array(outcomes.length).fill(NaN),
      actual: Float64Array.from(outcomes, (o) =>
        Math.log1p(o.verification.actual_change_pct / 100),
      ),
    },
    { horizonDays: 1 },
  );
  close(gross.curve[1].equity, 1 + metric[0].return);
  close(gross.curve[2].equity, (1 + metric[0].return) * (1 + metric[1].return));
});

test('benchmarks: long top fifth, always up rebalanced, and buy-and-hold without rebalancing', () => {
  const periods = rebalances(twoPeriods(), 1);
  const score = (o: Outcome) => (o.prediction as { ensemble_score: number }).ensemble_score;
  const top = runStrategy(periods, longTop(score), { horizonDays: 1, costBps: 0 });
  close(top.curve[2].equity, 1.03 * 1.01);
  const all = runStrategy(periods, longAll, { horizonDays: 1, costBps: 0 });
  close(all.curve[1].equity, 1.002);
  close(all.curve[2].equity, 1.002);
  // Back to equal weights after period 1's returns drifted them: a trade, not 0% turnover.
  const drift = [-0.02, -0.01, 0, 0.01, 0.03].reduce((s, r) => s + Math.abs(0.002 - r), 0);
  close(all.turnover, ((0.2 / 1.002) * drift) / 2);
  const held = buyAndHold(periods, { horizonDays: 1, costBps: 0 });
  close(held.curve[1].equity, 1.002);
  // A 0.98 × 1.01, B 0.99, C 1, D 1.01, E 1.03 × 0.99: each stock's own growth, averaged.
  close(held.curve[2].equity, (0.98 * 1.01 + 0.99 + 1 + 1.01 + 1.03 * 0.99) / 5);
  close(held.turnover, 0);
  // The benchmark pays for its book like every strategy: one unit bought at 10 bps.
  const charged = buyAndHold(periods, { horizonDays: 1, costBps: 10 });
  close(charged.curve[1].equity, 1.002 - 0.001);
});

test('quintiles: each fifth of the ranking compounded, and top minus bottom', () => {
  const periods = rebalances(twoPeriods(), 1);
  const score = (o: Outcome) => (o.prediction as { ensemble_score: number }).ensemble_score;
  const q = quantileReturns(periods, score);
  assert.deepEqual(Object.keys(q.curves), ['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q5 − Q1']);
  close(q.curves.Q5[2].equity, 1.03 * 1.01); // E then A
  close(q.curves.Q1[2].equity, 0.98 * 0.99); // A then E
  close(q.curves['Q5 − Q1'][2].equity, 1.05 * 1.02);
  close(q.mean_return[4], (0.03 + 0.01) / 2);
});

test('rebalances: every horizon-th session with at least five verified predictions; exit is the latest realised bar', () => {
  const outcomes: Outcome[] = [];
  const days = ['04', '05', '06', '07', '08', '11', '12'];
  for (const [i, day] of days.entries()) {
    for (const s of SYMBOLS)
      outcomes.push(
        outcome(s, `2021-01-${day}`, 1, 1, {
          horizon: 5,
          exit: s === 'E' ? `2021-02-${10 + i}` : `2021-02-0${i + 1}`,
        }),
      );
  }
  // A session with four predictions does not count toward the schedule.
  for (const s of SYMBOLS.slice(0, 4)) outcomes.push(outcome(s, '2021-01-09', 1, 1));
  const periods = rebalances(outcomes, 5);
  assert.deepEqual(
    periods.map((p) => [p.entry, p.exit]),
    [
      ['2021-01-04', '2021-02-10'],
      ['2021-01-11', '2021-02-15'],
    ],
  );
});

test('drawdown from the running peak', () => {
  const dd = drawdown([
    { date: 'a', equity: 1 },
    { date: 'b', equity: 1.1 },
    { date: 'c', equity: 0.99 },
    { date: 'd', equity: 1.2 },
  ]).map((d) => d.drawdown);
  close(dd[0], 0);
  close(dd[1], 0);
  close(dd[2], 0.99 / 1.1 - 1);
  close(dd[3], 0);
});

test('no Sharpe or annualised return from fewer than 26 periods; both from 26', () => {
  const returns = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? 0.01 : -0.005));
  const few = portfolioFigures(returns(25), 5);
  assert.equal(few.sharpe, null);
  assert.equal(few.annualised_return, null);
  assert.ok(few.max_drawdown !== null);
  const enough = portfolioFigures(returns(26), 5);
  assert.ok(enough.sharpe !== null && Number.isFinite(enough.sharpe));
  assert.ok(enough.annualised_return !== null);
});

test("relative hits: a stock against its session's mean, by its score against the mean score", () => {
  const session = [
    outcome('A', '2021-01-04', 5, 4), // above both means: hit
    outcome('B', '2021-01-04', 4, -3), // ranked above, fell below: miss
    outcome('C', '2021-01-04', 1, -2), // ranked below, fell below: hit
    outcome('D', '2021-01-04', 0, 3), // ranked below, rose above: miss
    outcome('E', '2021-01-04', 2, 0, {
      // A later verification record states its own relative outcome: taken as written.
      verification: { actual_excess_pct: -0.5, excess_hit: true },
    }),
  ];
  const tooFew = SYMBOLS.slice(0, 4).map((s) => outcome(s, '2021-01-05', 1, 1));
  const relative = relativeOutcomes([...session, ...tooFew]);
  assert.equal(relative.size, 5, 'a four-stock session has no universe to beat');
  assert.equal(relative.get('A-2021-01-04')?.hit, true);
  assert.equal(relative.get('B-2021-01-04')?.hit, false);
  assert.equal(relative.get('C-2021-01-04')?.hit, true);
  assert.equal(relative.get('D-2021-01-04')?.hit, false);
  assert.equal(relative.get('E-2021-01-04')?.hit, true);
  close(relative.get('E-2021-01-04')?.realised_excess ?? NaN, Math.log1p(-0.005));
  const logs = [4, -3, -2, 3, 0].map((p) => Math.log1p(p / 100));
  const mean = logs.reduce((s, v) => s + v, 0) / 5;
  close(relative.get('A-2021-01-04')?.realised_excess ?? NaN, logs[0] - mean);
});

test('daily Rank IC and its trailing mean; trailing rates pooled over sessions', () => {
  const outcomes: Outcome[] = [];
  const days = ['04', '05', '06', '07', '08', '11'];
  for (const [d, day] of days.entries())
    for (const [i, s] of SYMBOLS.entries()) {
      // The first four sessions rank perfectly, the last two exactly backwards.
      const change = d < 4 ? i - 2 : 2 - i;
      outcomes.push(outcome(s, `2021-01-${day}`, i, change, { within: i !== 0 }));
    }
  const ic = rankIcReport(outcomes, 1);
  assert.deepEqual(
    ic.daily.map((d) => d.rank_ic),
    [1, 1, 1, 1, -1, -1],
  );
  assert.deepEqual(
    ic.daily.map((d) => d.trailing_mean),
    [null, null, null, null, 0.6, 1 / 3],
  );
  close(ic.mean, 1 / 3);
  assert.equal(ic.window_kind, 'expanding', 'six sessions give no full 60-session window');
  const rolling = rollingRates(outcomes, relativeOutcomes(outcomes), 3);
  // Trailing: the first point is the first full window of three sessions.
  assert.deepEqual(
    rolling.map((r) => r.date),
    ['2021-01-06', '2021-01-07', '2021-01-08', '2021-01-11'],
  );
  assert.equal(rolling[0].count, 15);
  close(rolling[2].coverage, 12 / 15);
  // Up (change > 0) for 2 of 5 each session; the relative call right on 4 of 5 in a perfect session.
  close(rolling[2].always_up, 6 / 15);
  close(rolling[3].relative, 4 / 15);
  // Too few sessions for a full window twice: expanding from the fifth, over every session so far.
  const expanding = rollingRates(outcomes, relativeOutcomes(outcomes), 20);
  assert.deepEqual(
    expanding.map((r) => [r.date, r.count]),
    [
      ['2021-01-08', 25],
      ['2021-01-11', 30],
    ],
  );
});

test('sparkline: at most `width` blocks, averaging a long series', () => {
  assert.equal(sparkline([1, 2, 3]), '▁▅█');
  const long = sparkline(
    Array.from({ length: 400 }, (_, i) => i),
    40,
  );
  assert.equal([...long].length, 40);
  assert.equal(long.at(0), '▁');
  assert.equal(long.at(-1), '█');
  assert.equal(sparkline([]), '');
});
