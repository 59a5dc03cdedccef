import { mean, neweyWestT, spearman, MIN_CROSS_SECTION } from '../evaluation/stats.ts';
import { rankingScore, type Outcome } from './accuracy.ts';
import { simpleReturn, type Rebalance } from './portfolio.ts';

/** Signal quality beyond the recorded horizon: Rank IC by horizon and by sector (pure). */

/** Horizons, in sessions, the Rank IC is measured at. */
export const IC_HORIZONS = [1, 5, 10, 20] as const;
/** A sector's session needs this many stocks for a rank correlation within it. */
export const MIN_SECTOR_MEMBERS = 3;

export interface HorizonIc {
  horizon_days: number;
  /** Mean daily Rank IC; null without a session that has the bars for it. */
  mean: number | null;
  /** Newey–West t with horizon − 1 lags. */
  t_stat: number | null;
  sessions: number;
}

/** Forward simple returns of a prediction's stock from its as_of, by horizon in sessions. */
export type ForwardReturns = ReadonlyMap<string, ReadonlyMap<number, number>>;

const finite = (v: number) => (Number.isFinite(v) ? v : null);

function bySession(outcomes: readonly Outcome[]): Outcome[][] {
  const sessions = new Map<string, Outcome[]>();
  for (const o of outcomes) {
    const list = sessions.get(o.prediction.as_of);
    if (list) list.push(o);
    else sessions.set(o.prediction.as_of, [o]);
  }
  return [...sessions].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, list]) => list);
}

/**
 * The same scores against the return over each horizon (from the stored
 * bars): how the ranking's skill decays with time. Sessions whose later bars
 * are not all there yet are left out of that horizon.
 */
export function icByHorizon(outcomes: readonly Outcome[], forward: ForwardReturns): HorizonIc[] {
  const sessions = bySession(outcomes);
  return IC_HORIZONS.map((h) => {
    const daily: number[] = [];
    for (const members of sessions) {
      const scored = members.filter((o) => forward.get(o.prediction.id)?.has(h));
      if (scored.length < MIN_CROSS_SECTION) continue;
      const ic = spearman(
        scored.map((o) => rankingScore(o.prediction)),
        scored.map((o) => forward.get(o.prediction.id)?.get(h) as number),
      );
      if (Number.isFinite(ic)) daily.push(ic);
    }
    return {
      horizon_days: h,
      mean: daily.length ? mean(daily) : null,
      t_stat: finite(neweyWestT(daily, h - 1)),
      sessions: daily.length,
    };
  });
}

export interface SectorFigures {
  sector: string;
  symbols: number;
  predictions: number;
  /** Mean daily Rank IC within the sector (sessions with at least MIN_SECTOR_MEMBERS of it). */
  rank_ic: number | null;
  sessions: number;
  /**
   * Within the sector each period: long the stocks ranked above its median
   * score, short those below, equal weights; compounded, before costs.
   */
  long_short_total: number | null;
  long_short_periods: number;
}

export interface SectorExposure {
  date: string;
  sector: string;
  /** Share of the universe's top fifth by score in this sector. */
  top: number;
  /** Share of the bottom fifth in this sector. */
  bottom: number;
}

export interface SectorReport {
  sectors: SectorFigures[];
  exposure: SectorExposure[];
  /** Symbols of the window without a sector in the store. */
  unknown: number;
}

/** Rank IC, long/short and the top and bottom fifths' exposure by sector; null without sectors. */
export function sectorReport(
  outcomes: readonly Outcome[],
  periods: readonly Rebalance[],
  sectors: ReadonlyMap<string, string>,
): SectorReport | null {
  const sectorOf = (o: Outcome) => sectors.get(o.prediction.symbol);
  const known = outcomes.filter((o) => sectorOf(o) !== undefined);
  if (known.length === 0) return null;
  const names = [...new Set(known.map((o) => sectorOf(o) as string))].sort();
  const list = names.map((sector) => {
    const mine = known.filter((o) => sectorOf(o) === sector);
    const daily: number[] = [];
    for (const members of bySession(mine)) {
      if (members.length < MIN_SECTOR_MEMBERS) continue;
      const ic = spearman(
        members.map((o) => rankingScore(o.prediction)),
        members.map(simpleReturn),
      );
      if (Number.isFinite(ic)) daily.push(ic);
    }
    const growth = sectorLongShort(periods, (o) => sectorOf(o) === sector);
    return {
      sector,
      symbols: new Set(mine.map((o) => o.prediction.symbol)).size,
      predictions: mine.length,
      rank_ic: daily.length ? mean(daily) : null,
      sessions: daily.length,
      long_short_total: growth.periods ? growth.equity - 1 : null,
      long_short_periods: growth.periods,
    };
  });
  const symbols = new Set(outcomes.map((o) => o.prediction.symbol));
  return {
    sectors: list,
    exposure: exposure(periods, sectorOf, names),
    unknown: [...symbols].filter((s) => !sectors.has(s)).length,
  };
}

function sectorLongShort(
  periods: readonly Rebalance[],
  inSector: (o: Outcome) => boolean,
): { equity: number; periods: number } {
  let equity = 1;
  let count = 0;
  for (const period of periods) {
    const members = period.members.filter(inSector);
    if (members.length < MIN_SECTOR_MEMBERS) continue;
    const sorted = [...members].sort(
      (a, b) => rankingScore(a.prediction) - rankingScore(b.prediction),
    );
    const half = Math.floor(sorted.length / 2);
    const low = sorted.slice(0, half).map(simpleReturn);
    const high = sorted.slice(-half).map(simpleReturn);
    equity *= 1 + mean(high) - mean(low);
    count++;
  }
  return { equity, periods: count };
}

function exposure(
  periods: readonly Rebalance[],
  sectorOf: (o: Outcome) => string | undefined,
  names: readonly string[],
): SectorExposure[] {
  const rows: SectorExposure[] = [];
  for (const period of periods) {
    const sorted = [...period.members].sort(
      (a, b) => rankingScore(a.prediction) - rankingScore(b.prediction),
    );
    const k = Math.max(1, Math.floor(sorted.length * 0.2));
    const share = (group: readonly Outcome[], sector: string) =>
      group.filter((o) => sectorOf(o) === sector).length / group.length;
    for (const sector of names)
      rows.push({
        date: period.entry,
        sector,
        top: share(sorted.slice(-k), sector),
        bottom: share(sorted.slice(0, k), sector),
      });
  }
  return rows;
}
