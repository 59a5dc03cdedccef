import type { Report } from './document.ts';
import { barSpec, groupedBarSpec, heatmapSpec, shareSpec, SECTOR_COLOURS } from './charts-bars.ts';
import { COLOURS, type Series } from './charts.ts';
import { line, type Figure } from './figure.ts';
import type { RollingRisk } from './risk.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const NO_SECTORS =
  'no sector data in this home: import a Symbol,Name,Sector file (mlx data import constituents.csv) to add each stock’s GICS sector';

/** Returns and risk as QuantStats lays them out: monthly grid, years, rolling Sharpe and volatility. */
export function returnFigures(report: Report): Figure[] {
  const { returns } = report;
  const cells = returns.monthly
    .filter((m) => m.ensemble !== null)
    .map((m) => ({
      year: m.month.slice(0, 4),
      month: MONTHS[Number(m.month.slice(5, 7)) - 1],
      value: m.ensemble as number,
    }));
  const years = [
    { key: 'ensemble' as const, label: 'ensemble long/short', colour: COLOURS.blue },
    { key: 'always_up' as const, label: 'always up (long every stock)', colour: COLOURS.orange },
    { key: 'benchmark' as const, label: 'universe buy-and-hold (benchmark)', colour: COLOURS.dark },
  ];
  const yearRows = returns.yearly.flatMap((y) =>
    years.flatMap((s) =>
      y[s.key] === null ? [] : [{ category: y.year, series: s.label, value: y[s.key] as number }],
    ),
  );
  const rollingOf = (pick: (r: RollingRisk) => number | null): Series[] => [
    {
      label: 'ensemble long/short',
      colour: COLOURS.blue,
      points: returns.rolling.ensemble.map((r) => ({ date: r.date, value: pick(r) })),
    },
    {
      label: 'ensemble long top fifth',
      colour: COLOURS.green,
      points: returns.rolling.long_top.map((r) => ({ date: r.date, value: pick(r) })),
    },
    {
      label: 'universe buy-and-hold (benchmark)',
      colour: COLOURS.dark,
      dash: [6, 4],
      points: returns.rolling.benchmark.map((r) => ({ date: r.date, value: pick(r) })),
    },
  ];
  const window = returns.rolling_periods;
  const needs = `needs more than ${window} holding periods (half a year of them): the window starts when it is full`;
  const cost = report.cost_bps > 0 ? `net of ${report.cost_bps} bps a trade` : 'before costs';
  return [
    {
      id: 'monthly-returns',
      title: `Monthly returns of the ensemble long/short (${cost})`,
      series: [],
      spec: cells.length ? heatmapSpec({ cells }) : null,
      empty: 'no holding period has ended yet',
      note: 'Each holding period’s return is compounded into the month it ends in. The yearly table below sets each year beside always-up and the benchmark.',
    },
    {
      id: 'yearly-returns',
      title: `Yearly returns against always-up and the benchmark (${cost})`,
      series: years.filter((s) => yearRows.some((r) => r.series === s.label)),
      spec: yearRows.length
        ? groupedBarSpec({
            rows: yearRows,
            series: years.filter((s) => yearRows.some((r) => r.series === s.label)),
            yTitle: 'return',
            yFormat: '.0%',
          })
        : null,
      empty: 'no holding period has ended yet',
    },
    line(
      'rolling-sharpe',
      `Rolling Sharpe ratio over ${window} holding periods (half a year), annualised`,
      rollingOf((r) => r.sharpe),
      { yTitle: 'Sharpe', yFormat: '.1f', refs: [0] },
      needs,
      `The window is full after ${window} holding periods: the lines start there, not at the first entry.`,
    ),
    line(
      'rolling-volatility',
      `Rolling volatility over ${window} holding periods (half a year), annualised`,
      rollingOf((r) => r.volatility),
      { yTitle: 'volatility', yFormat: '.0%' },
      needs,
    ),
  ];
}

/** Rank IC by horizon and by sector, and the sectors the top and bottom fifths hold. */
export function signalFigures(report: Report): Figure[] {
  const horizons = report.rank_ic_by_horizon.filter((h) => h.mean !== null);
  const sectors = report.sectors;
  const icRows = (sectors?.sectors ?? [])
    .filter((s) => s.rank_ic !== null)
    .map((s) => ({ label: `${s.sector} (${s.symbols})`, value: s.rank_ic as number }));
  const lsRows = (sectors?.sectors ?? [])
    .filter((s) => s.long_short_total !== null)
    .map((s) => ({ label: `${s.sector} (${s.symbols})`, value: s.long_short_total as number }));
  const names = [...new Set((sectors?.exposure ?? []).map((e) => e.sector))];
  const sectorSeries = names.map((label, i) => ({
    label,
    colour: SECTOR_COLOURS[i % SECTOR_COLOURS.length],
  }));
  const exposure = (side: 'top' | 'bottom'): Figure => ({
    id: `sector-exposure-${side}`,
    title: `Sectors of the ${side} fifth by the ensemble’s rank, by quarter`,
    series: sectorSeries,
    spec:
      sectors && sectors.exposure.length
        ? shareSpec({ rows: byQuarter(sectors.exposure, side), series: sectorSeries })
        : null,
    note: `Each holding period’s ${side} fifth by sector, averaged over the periods that start in a quarter.`,
    empty: sectors ? 'needs sessions with at least 5 verified predictions' : NO_SECTORS,
  });
  const unknown = sectors?.unknown
    ? ` ${sectors.unknown} symbol(s) without a sector are left out.`
    : '';
  return [
    {
      id: 'ic-by-horizon',
      title: 'Rank IC of the same scores against the return over 1, 5, 10 and 20 sessions',
      series: [],
      spec: horizons.length
        ? barSpec({
            rows: horizons.map((h) => ({
              label: `${h.horizon_days} session${h.horizon_days === 1 ? '' : 's'} · t ${h.t_stat === null ? '–' : h.t_stat.toFixed(1)} · ${h.sessions} days`,
              value: h.mean as number,
            })),
            xTitle: 'mean daily Rank IC',
            xFormat: '.3f',
          })
        : null,
      empty:
        'no stored bars after the predictions’ sessions (the store has none for these symbols)',
      note: `Each session’s scores, ranked against the stock’s return over each horizon from the stored bars (the model was trained for ${report.horizon_days}). Sessions without the later bars yet are left out of that horizon; t is Newey–West.`,
    },
    {
      id: 'ic-by-sector',
      title: 'Rank IC within each sector (stocks in the sector)',
      series: [],
      spec: icRows.length
        ? barSpec({ rows: icRows, xTitle: 'mean daily Rank IC', xFormat: '.3f' })
        : null,
      empty: sectors ? 'no sector has 3 stocks verified on a session' : NO_SECTORS,
      note: `Spearman correlation of score and realised return among a sector’s stocks, each session with at least 3 of them: can the model rank stocks within a sector?${unknown}`,
    },
    {
      id: 'long-short-by-sector',
      title: 'Long/short within each sector: above its median rank against below (before costs)',
      series: [],
      spec: lsRows.length
        ? barSpec({ rows: lsRows, xTitle: 'total return', xFormat: '.0%' })
        : null,
      empty: sectors ? 'no sector has 3 stocks in a holding period' : NO_SECTORS,
      note: 'Each holding period, within the sector: long the stocks ranked above its median score, short those below, equal weights; compounded over the window.',
    },
    exposure('top'),
    exposure('bottom'),
  ];
}

/** Each sector's mean share of the top or bottom fifth over the periods entered in a quarter. */
function byQuarter(
  exposure: readonly { date: string; sector: string; top: number; bottom: number }[],
  side: 'top' | 'bottom',
): { period: string; series: string; value: number }[] {
  const sums = new Map<string, { period: string; series: string; sum: number; n: number }>();
  for (const e of exposure) {
    const period = `${e.date.slice(0, 4)} Q${Math.floor((Number(e.date.slice(5, 7)) - 1) / 3) + 1}`;
    const key = `${period}|${e.sector}`;
    const cell = sums.get(key) ?? { period, series: e.sector, sum: 0, n: 0 };
    cell.sum += e[side];
    cell.n++;
    sums.set(key, cell);
  }
  return [...sums.values()].map((c) => ({
    period: c.period,
    series: c.series,
    value: c.sum / c.n,
  }));
}
