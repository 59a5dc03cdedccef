import type { Report } from './document.ts';
import { calibrationSpec, COLOURS, rankIcSpec, type Series } from './charts.ts';
import { symbolSpec, weightsSpec } from './stock-charts.ts';
import type { StrategyReport } from './portfolio.ts';
import { MIN_TRAILING } from './series.ts';
import { line, type Figure } from './figure.ts';

export type { Figure } from './figure.ts';
import { returnFigures, signalFigures } from './figures-more.ts';

const pct = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(digits)}%`;

const curve = (label: string, colour: string, strategy: StrategyReport, dash?: number[]) => ({
  label,
  colour,
  dash,
  points: strategy.curve.map((p) => ({ date: p.date, value: p.equity })),
});

/**
 * The tear sheet's charts, in page order (pure): which series each draws, in
 * which colour, and why a chart is missing when its data is.
 */
export function figures(report: Report): Figure[] {
  return [
    ...portfolioFigures(report),
    ...returnFigures(report),
    ...signalFigures(report),
    ...accuracyFigures(report),
  ];
}

/** The portfolios: equity and drawdown, long/short by predictor, quintiles, daily Rank IC. */
function portfolioFigures(report: Report): Figure[] {
  const { benchmarks, portfolio } = report;
  const cost = report.cost_bps > 0 ? ` net of ${report.cost_bps} bps a trade` : ' before costs';
  const tradable = report.rebalances > 0;
  const noPortfolio =
    'needs sessions with at least 5 verified predictions (a cross-section to rank)';
  const ensemble = portfolio.ensemble;
  const equitySeries: Series[] = ensemble
    ? [
        // Wide and first: equal weights rebalanced run close to the benchmark's.
        {
          ...curve('always up (long every stock)', COLOURS.orange, benchmarks.always_up),
          width: 5,
        },
        curve('universe buy-and-hold (benchmark)', COLOURS.dark, benchmarks.buy_and_hold, [6, 4]),
        curve('ensemble long/short', COLOURS.blue, ensemble),
        curve('ensemble long top fifth', COLOURS.green, benchmarks.long_top),
      ]
    : [];
  const drawdownOf = (s: Series): Series => {
    let peak = -Infinity;
    return {
      ...s,
      points: s.points.map((p) => {
        peak = Math.max(peak, p.value as number);
        return { date: p.date, value: (p.value as number) / peak - 1 };
      }),
    };
  };
  const predictorColours: Record<string, string> = {
    ensemble: COLOURS.blue,
    xgb: COLOURS.teal,
    lstm: COLOURS.purple,
    rules: COLOURS.brown,
    momentum: COLOURS.yellow,
  };
  const longShort = Object.entries(portfolio).map(([name, p]) =>
    curve(name, predictorColours[name] ?? COLOURS.grey, p),
  );
  const meanLabel =
    report.rank_ic.window_kind === 'trailing'
      ? `trailing ${report.rank_ic.window}-session mean`
      : `expanding mean (fewer than ${report.rank_ic.window + 1} sessions for a trailing ${report.rank_ic.window})`;
  const quintileColours = ['#d73027', '#fc8d59', '#a6a6a6', '#74add1', '#4575b4', COLOURS.dark];
  const quintiles: Series[] = Object.entries(report.quantiles.curves).map(([name, points], i) => ({
    label: i === 0 ? `${name} (lowest rank)` : i === 4 ? `${name} (highest rank)` : name,
    colour: quintileColours[i] ?? COLOURS.grey,
    dash: i === 5 ? [6, 4] : undefined,
    points: points.map((p) => ({ date: p.date, value: p.equity })),
  }));
  return [
    line(
      'equity-curve',
      `Equity of the ensemble's portfolios against the universe (${cost.trim()})`,
      equitySeries,
      { yTitle: 'growth of 1', yFormat: '.2f', refs: [1], columns: 2 },
      noPortfolio,
      'Each line starts at 1.0 on the first entry and is dated at each holding period’s exit (every horizon-th session, so periods do not overlap). Long/short: long the top fifth, short the bottom fifth by the ensemble’s rank, equal weights. The benchmark buys every stock of the first period in equal amounts and holds it.',
    ),
    line(
      'drawdown',
      'Drawdown from the running peak',
      equitySeries.slice(1).map(drawdownOf),
      { yTitle: 'drawdown', yFormat: '.0%', refs: [0], columns: 3 },
      noPortfolio,
    ),
    line(
      'long-short',
      `Long/short top − bottom fifth by each predictor (${cost.trim()})`,
      longShort,
      { yTitle: 'growth of 1', yFormat: '.2f', refs: [1] },
      noPortfolio,
      tradable && report.cost_bps === 0
        ? 'No trading costs are charged: mlx report --cost-bps N charges N basis points of every amount traded. Turnover is in the table above.'
        : undefined,
    ),
    line(
      'quintiles',
      'Cumulative return of each quintile of the predicted rank (before costs)',
      quintiles,
      { yTitle: 'growth of 1', yFormat: '.2f', refs: [1] },
      noPortfolio,
      'Each period, the stocks are split into five groups by the ensemble’s score and each group is held in equal weights. A model that ranks well fans the lines out in order, Q5 on top.',
    ),
    {
      id: 'rank-ic',
      title: `Daily Rank IC and its ${meanLabel}`,
      series: [
        { label: 'daily Rank IC', colour: '#9ecae9' },
        { label: meanLabel, colour: COLOURS.blue },
      ],
      spec: report.rank_ic.daily.length
        ? rankIcSpec({ daily: report.rank_ic.daily, dailyLabel: 'daily Rank IC', meanLabel })
        : null,
      empty: noPortfolio,
      note: `Spearman correlation, each session, of the ensemble’s score with the realised return across the stocks verified for it. The daily series overlaps (each return spans the horizon), so its t-statistic above is Newey–West. ${report.rank_ic.window_kind === 'trailing' ? `The trailing mean starts once ${report.rank_ic.window} sessions are in.` : 'The mean is over every session so far, from the fifth.'}`,
    },
  ];
}

/** Hit rates and interval coverage over trailing sessions, or what they need to be drawn. */
function trailingFigures(report: Report): Figure[] {
  const rolling = report.rolling_hit_rate;
  const rollingSeries: Series[] = [
    // Wide and first: a model that mostly says "up" scores what always-up scores.
    {
      label: 'always up',
      colour: COLOURS.orange,
      width: 5,
      points: rolling.map((r) => ({ date: r.date, value: r.always_up })),
    },
    {
      label: 'ensemble direction',
      colour: COLOURS.blue,
      points: rolling.map((r) => ({ date: r.date, value: r.hit_rate })),
    },
    ...(rolling.some((r) => r.relative !== null)
      ? [
          {
            label: 'beat the universe (relative)',
            colour: COLOURS.green,
            points: rolling.map((r) => ({ date: r.date, value: r.relative })),
          },
        ]
      : []),
  ];
  const level = report.interval_level ?? 0.8;
  const coverageSeries: Series[] = rolling.some((r) => r.coverage !== null)
    ? [
        {
          label: 'interval coverage',
          colour: COLOURS.blue,
          points: rolling.map((r) => ({ date: r.date, value: r.coverage })),
        },
        {
          label: `${pct(level, 0)} target`,
          colour: COLOURS.red,
          dash: [6, 4],
          points: [rolling[0], rolling.at(-1)].map((r) => ({ date: r?.date ?? '', value: level })),
        },
      ]
    : [];
  // A trailing rate is a point per session once MIN_TRAILING sessions are in; a line needs two.
  const fewSessions =
    report.totals.verified === 0
      ? 'nothing verified yet'
      : `needs verified predictions on at least ${MIN_TRAILING + 1} sessions (an expanding rate starts once ${MIN_TRAILING} are in)`;
  const window = report.rolling_window;
  const over =
    window.kind === 'trailing'
      ? `over the trailing ${window.sessions} sessions`
      : `expanding: over every session so far (fewer than ${window.sessions + 1} for a trailing ${window.sessions})`;
  return [
    line(
      'rolling-hit-rate',
      `Hit rates ${over}`,
      rollingSeries,
      { yTitle: 'hit rate', yFormat: '.0%', refs: [0.5] },
      fewSessions,
      'Direction: did the price move the way P(up) said. Always up: the share that rose. Relative: did the stock beat the mean of its session’s stocks, as its rank said.',
    ),
    line(
      'coverage',
      `Interval coverage ${window.kind === 'trailing' ? `over the trailing ${window.sessions} sessions` : 'expanding (every session so far)'} against its ${pct(level, 0)} target`,
      coverageSeries,
      { yTitle: 'share inside the interval', yFormat: '.0%' },
      rolling.length < 2
        ? fewSessions
        : 'no verified prediction states whether it fell inside its interval',
      undefined,
      // The target line alone is no chart.
      coverageSeries.slice(0, 1),
    ),
  ];
}

/** Accuracy: rolling hit rates and coverage, calibration, by symbol, and the adapted weights. */
function accuracyFigures(report: Report): Figure[] {
  const calibrationBins = report.calibration
    .filter((b) => b.count > 0)
    .map((b) => ({
      predicted: b.mean_predicted as number,
      realised: b.realised as number,
      count: b.count,
    }));
  const symbols = symbolPoints(report);
  return [
    ...trailingFigures(report),
    {
      id: 'calibration',
      title: 'Calibration: predicted P(up) against how often the price rose',
      series: [
        { label: 'predictions, by P(up) bin', colour: COLOURS.red },
        { label: 'perfect calibration', colour: COLOURS.grey },
      ],
      spec: calibrationBins.length
        ? calibrationSpec({
            bins: calibrationBins,
            pointsLabel: 'predictions, by P(up) bin',
            diagonalLabel: 'perfect calibration',
          })
        : null,
      empty: 'nothing verified yet',
      note: `Bins hold equal numbers of predictions, cut where P(up) falls (from ${pct(report.calibration[0]?.from)} to ${pct(report.calibration.at(-1)?.to)}); points are sized by their count.${report.direction_skill && !report.direction_skill.probability_skill ? ' P(up) scores no better than stating the share that rose every time (Brier above): it restates the base rate.' : ''}`,
    },
    {
      id: 'symbol-accuracy',
      title:
        'Hit rate by symbol (95% Wilson interval) beside the share of its predictions that rose',
      series: [
        { label: 'hit rate, 95% interval', colour: COLOURS.blue },
        { label: 'up-rate (always up)', colour: COLOURS.orange },
      ],
      spec: symbols.length
        ? symbolSpec({
            symbols,
            hitLabel: 'hit rate, 95% interval',
            upLabel: 'up-rate (always up)',
          })
        : null,
      empty: 'nothing verified yet',
      note: 'Symbols are ordered by hit rate, with their number of verified predictions. A hit rate is skill only where it clears the symbol’s own up-rate.',
    },
    {
      id: 'weights',
      title: 'Adapted signal weights by symbol (1 is the default)',
      series: [],
      spec: report.weights.length
        ? weightsSpec({
            weights: report.weights,
            floor: report.weight_bounds.floor,
            cap: report.weight_bounds.cap,
          })
        : null,
      empty:
        'no adapted weights in this home: every weight is at its default, 1 (weights are not adapted, or nothing is verified yet)',
    },
  ];
}

/** Symbols with a hit rate, its interval and an up-rate, as the symbol chart draws them. */
function symbolPoints(report: Report) {
  return report.symbols
    .filter((s) => s.hit_rate !== null && s.hit_rate_ci && s.up_rate !== null)
    .map((s) => ({
      symbol: s.symbol,
      hit_rate: s.hit_rate as number,
      low: s.hit_rate_ci?.low as number,
      high: s.hit_rate_ci?.high as number,
      up_rate: s.up_rate as number,
      count: s.count,
    }));
}
