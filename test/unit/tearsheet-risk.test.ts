import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reportOutcome } from '../helpers/report-outcome.ts';
import { calibrationTable } from '../../src/report/accuracy.ts';
import { line } from '../../src/report/figure.ts';
import { riskFigures } from '../../src/report/portfolio.ts';
import {
  byMonth,
  byYear,
  compoundBy,
  rollingRisk,
  rollingWindow,
  worstDrawdowns,
} from '../../src/report/risk.ts';
import { icByHorizon, sectorReport } from '../../src/report/signal.ts';
import { directionSkill, reportContext } from '../../src/report/skill.ts';
import { rebalances } from '../../src/report/portfolio.ts';

const close = (actual: number | null | undefined, expected: number, digits = 9) =>
  assert.ok(
    actual !== null && actual !== undefined && Math.abs(actual - expected) < 10 ** -digits,
    `${actual} ≠ ${expected}`,
  );

/** P(up) 0.55 unless a test says otherwise. */
const outcome = (...[symbol, asOf, score, change, extra]: Parameters<typeof reportOutcome>) =>
  reportOutcome(symbol, asOf, score, change, { p: 0.55, ...extra });

const curve = (dates: string[], equity: number[]) =>
  dates.map((date, i) => ({ date, equity: equity[i] }));

test('monthly and yearly returns compound each period into the month and year of its exit', () => {
  const c = curve(
    ['2020-01-02', '2020-01-09', '2020-01-30', '2020-02-06', '2021-01-07'],
    [1, 1.1, 0.99, 1.089, 1.2],
  );
  const months = compoundBy(c, byMonth);
  assert.deepEqual(
    months.map((m) => m.key),
    ['2020-01', '2020-02', '2021-01'],
  );
  close(months[0].return, -0.01); // 1.1 then 0.9: 0.99
  close(months[1].return, 0.1);
  const years = compoundBy(c, byYear);
  close(years[0].return, 0.089);
  close(years[1].return, 1.2 / 1.089 - 1);
});

test('rolling Sharpe and volatility start when the window is full; half a year of periods, at least 26', () => {
  assert.equal(rollingWindow(5), 26);
  assert.equal(rollingWindow(1), 126);
  const returns = [0.01, -0.01, 0.02, 0];
  const dates = ['d0', 'd1', 'd2', 'd3', 'd4'];
  let equity = 1;
  const c = curve(dates, [1, ...returns.map((r) => (equity *= 1 + r))]);
  const rolling = rollingRisk(c, 252, 3);
  assert.deepEqual(
    rolling.map((r) => r.date),
    ['d3', 'd4'],
  );
  // Window [0.01, −0.01, 0.02]: mean 0.02/3, sample sd √((… )/2); one period a year.
  const m = 0.02 / 3;
  const sd = Math.sqrt(((0.01 - m) ** 2 + (-0.01 - m) ** 2 + (0.02 - m) ** 2) / 2);
  close(rolling[0].sharpe, m / sd);
  close(rolling[0].volatility, sd);
});

test('worst drawdowns: depth, the high before, the trough, the recovery and the length', () => {
  const c = curve(
    ['2020-01-01', '2020-01-11', '2020-01-21', '2020-01-31', '2020-02-10', '2020-02-20'],
    [1, 0.8, 1.05, 0.95, 0.9, 1],
  );
  const list = worstDrawdowns(c);
  assert.deepEqual(
    list.map((d) => ({ start: d.start, trough: d.trough, recovery: d.recovery, days: d.days })),
    [
      { start: '2020-01-01', trough: '2020-01-11', recovery: '2020-01-21', days: 20 },
      { start: '2020-01-21', trough: '2020-02-10', recovery: null, days: 30 },
    ],
  );
  close(list[0].depth, 0.2);
  close(list[1].depth, 1 - 0.9 / 1.05);
});

test('volatility, Sortino and Calmar under the same 26-period rule as Sharpe', () => {
  assert.deepEqual(riskFigures([0.01, -0.01], 5, null, 0.01), {
    volatility: null,
    sortino: null,
    calmar: null,
  });
  const returns = Array.from({ length: 26 }, (_, i) => (i % 2 ? 0.02 : -0.01));
  const risk = riskFigures(returns, 5, 0.2, 0.05);
  const downside = Math.sqrt((13 * 0.0001) / 26);
  close(risk.sortino, (0.005 / downside) * Math.sqrt(252 / 5));
  close(risk.calmar, 4);
  assert.ok(risk.volatility !== null && risk.volatility > 0);
});

test('Rank IC by horizon from forward returns; a session without the later bars is left out', () => {
  const symbols = ['A', 'B', 'C', 'D', 'E'];
  const outcomes = symbols.map((s, i) => outcome(s, '2020-01-02', i, 1));
  const forward = new Map(
    symbols.map((s, i) => [
      `${s}-2020-01-02`,
      new Map([
        [1, i * 0.01], // ranked perfectly
        [5, -i * 0.01], // backwards
      ]),
    ]),
  );
  const ic = icByHorizon(outcomes, forward);
  assert.deepEqual(
    ic.map((h) => [h.horizon_days, h.mean, h.sessions]),
    [
      [1, 1, 1],
      [5, -1, 1],
      [10, null, 0],
      [20, null, 0],
    ],
  );
});

test('sectors: Rank IC and long/short within each, exposure of the fifths; null without sectors', () => {
  const outcomes = ['A', 'B', 'C', 'D', 'E', 'F'].map((s, i) =>
    outcome(s, '2020-01-02', i, i < 3 ? i : 5 - i),
  );
  const periods = rebalances(outcomes, 1);
  assert.equal(sectorReport(outcomes, periods, new Map()), null);
  const sectors = new Map([
    ['A', 'Tech'],
    ['B', 'Tech'],
    ['C', 'Tech'],
    ['D', 'Energy'],
    ['E', 'Energy'],
    ['F', 'Energy'],
  ]);
  const report = sectorReport(outcomes, periods, sectors);
  assert.ok(report);
  const tech = report.sectors.find((s) => s.sector === 'Tech');
  const energy = report.sectors.find((s) => s.sector === 'Energy');
  close(tech?.rank_ic, 1);
  close(energy?.rank_ic, -1);
  // Tech: long C (+2%), short A (0%); Energy: long F (0%), short D (+2%).
  close(tech?.long_short_total, 0.02);
  close(energy?.long_short_total, -0.02);
  // Top fifth of six is one stock, F (Energy); the bottom, A (Tech).
  const shares = report.exposure.map((e) => [e.sector, e.top, e.bottom]);
  assert.deepEqual(shares, [
    ['Energy', 1, 0],
    ['Tech', 0, 1],
  ]);
});

test('direction skill: a direction that always says up has none; context names versions and dates', () => {
  const outcomes = Array.from({ length: 40 }, (_, i) =>
    outcome(`S${i}`, `2020-01-0${(i % 5) + 1}`, 0, i % 3 ? 1 : -1, {
      p: 0.55,
      version: i < 20 ? 'v1' : 'v2',
    }),
  );
  const skill = directionSkill(outcomes);
  assert.ok(skill);
  assert.equal(skill.direction_skill, false);
  assert.equal(skill.hit_rate, skill.always_up);
  assert.equal(skill.said_up, 1);
  const context = reportContext(outcomes.map((o) => o.prediction));
  assert.deepEqual(context.models, [{ name: 'default', versions: ['v1', 'v2'] }]);
  assert.equal(context.universe, 40);
  assert.deepEqual(context.as_of, { first: '2020-01-01', last: '2020-01-05' });
});

test('calibration bins hold equal counts where P(up) falls, not fixed tenths', () => {
  const outcomes = Array.from({ length: 100 }, (_, i) =>
    outcome(`S${i}`, '2020-01-02', 0, i % 2 ? 1 : -1, { p: 0.5 + i / 1000 }),
  );
  const bins = calibrationTable(outcomes);
  assert.equal(bins.length, 5, 'at least 20 predictions a bin');
  assert.deepEqual(
    bins.map((b) => b.count),
    [20, 20, 20, 20, 20],
  );
  close(bins[0].from, 0.5);
  close(bins[4].to, 0.599);
});

test('a series lying on another says so in its label', () => {
  const points = [
    { date: '2020-01-02', value: 0.5 },
    { date: '2020-01-03', value: 0.6 },
    { date: '2020-01-06', value: 0.7 },
  ];
  const figure = line(
    'x',
    'x',
    [
      { label: 'always up', colour: '#f00', points },
      { label: 'ensemble', colour: '#00f', points: points.map((p) => ({ ...p })) },
      {
        label: 'close',
        colour: '#0f0',
        points: points.map((p) => ({ ...p, value: p.value + 0.001 })),
      },
      {
        label: 'mostly',
        colour: '#0ff',
        points: points.map((p, i) => ({ ...p, value: i === 2 ? 0.1 : p.value })),
      },
      { label: 'apart', colour: '#000', points: points.map((p) => ({ ...p, value: 0.1 })) },
    ],
    { yTitle: 'y', yFormat: '.0%' },
    'empty',
  );
  assert.deepEqual(
    figure.series.map((s) => s.label),
    [
      'always up',
      'ensemble (identical to always up)',
      'close (within half a point of always up throughout)',
      'mostly (= always up at 66% of points)',
      'apart',
    ],
  );
});
