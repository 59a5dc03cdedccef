import type { ChartResultObject } from 'yahoo-finance2/modules/chart';
import { DataError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { RawBar, SymbolInfo } from '../../store/types.ts';
import { localDate } from '../../calendar/index.ts';

/** Yahoo exchange codes of US venues, which follow the NYSE calendar. */
const US_EXCHANGES = new Set([
  'NMS', // Nasdaq Global Select
  'NGM', // Nasdaq Global Market
  'NCM', // Nasdaq Capital Market
  'NAS',
  'NYQ', // NYSE
  'NYS',
  'ASE', // NYSE American
  'PCX', // NYSE Arca
  'BTS', // Cboe BZX
  'BATS',
  'PNK', // OTC markets
  'OQB',
  'OQX',
  'SNP', // S&P indices
  'DJI',
  'NIM', // Nasdaq indices
  'CBO', // Cboe indices
]);

export interface ChartToBarsOptions {
  /** First and last exchange-local day to return, YYYY-MM-DD, inclusive. */
  from: string;
  to: string;
  now: Date;
  log: Logger;
}

export interface ChartBars {
  symbol: string;
  info: SymbolInfo;
  bars: RawBar[];
  droppedOpenSession: string | null;
  skippedEmptyDays: string[];
}

/**
 * Turn one `chart()` answer into raw bars (pure apart from warnings).
 *
 * Yahoo's open/high/low/close, volume and dividend amounts are adjusted for
 * every split up to the day of the request (not dividend-adjusted); only
 * `adjclose` is adjusted for dividends too. mlx stores prices as traded, so
 * each bar's prices are multiplied back by the product of the ratios of the
 * splits dated after it, and its volume divided by it. That is only right when
 * the answer reaches up to today, which is why the request always ends at
 * `now` and the range is cut here. `adjClose` is Yahoo's, as given.
 */
export function chartToBars(chart: ChartResultObject, options: ChartToBarsOptions): ChartBars {
  const { meta } = chart;
  const timezone = meta.exchangeTimezoneName;
  const dateOf = exchangeDateFormatter(timezone, meta.symbol);
  const splits = eventsByDay(
    chart.events?.splits,
    dateOf,
    (split) => split.numerator / split.denominator,
    (a, b) => a * b,
  );
  const dividends = eventsByDay(
    chart.events?.dividends,
    dateOf,
    (dividend) => dividend.amount,
    (a, b) => a + b,
  );
  const splitFactorAfter = (day: string) => {
    let factor = 1;
    for (const [splitDay, ratio] of splits) if (splitDay > day) factor *= ratio;
    return factor;
  };

  const quote = chart.indicators.quote[0];
  const adjclose = chart.indicators.adjclose?.[0]?.adjclose;
  const timestamps = chart.timestamp ?? [];
  const byDay = new Map<string, { bar: RawBar; timestamp: number }>();
  const emptyDays = new Set<string>();
  for (let i = 0; i < timestamps.length; i++) {
    const day = dateOf(new Date(timestamps[i] * 1000));
    const open = quote?.open[i];
    const high = quote?.high[i];
    const low = quote?.low[i];
    const close = quote?.close[i];
    if (!isPrice(open) || !isPrice(high) || !isPrice(low) || !isPrice(close)) {
      emptyDays.add(day);
      continue;
    }
    const factor = splitFactorAfter(day);
    const volume = quote.volume[i];
    const adjusted = adjclose?.[i];
    // A later row for the same day (Yahoo's live row beside the day's row) supersedes it.
    byDay.set(day, {
      timestamp: timestamps[i],
      bar: {
        date: day,
        open: open * factor,
        high: high * factor,
        low: low * factor,
        close: close * factor,
        // Indices report no volume; that is zero shares, not a missing day.
        volume: isPrice(volume) ? Math.round(volume / factor) : 0,
        dividend: 0,
        split: 1,
        adjClose: isPrice(adjusted) ? adjusted : null,
      },
    });
  }
  const rows = [...byDay.values()].sort((a, b) => a.timestamp - b.timestamp);
  const bars = rows.map((row) => row.bar);

  const inRange = (day: string) => day >= options.from && day <= options.to;
  const moved = [
    ...attachEvents(bars, splits, 'split', (bar, ratio) => (bar.split *= ratio)),
    ...attachEvents(
      bars,
      dividends,
      'dividend',
      (bar, amount, day) => (bar.dividend += amount * splitFactorAfter(day)),
    ),
  ];
  for (const { kind, day, barDate } of moved.filter((m) => inRange(m.barDate))) {
    options.log.warn(
      `${meta.symbol}: Yahoo has no bar on ${day} for its ${kind}; recorded on ${barDate}`,
    );
  }

  let kept = rows.filter((row) => inRange(row.bar.date));
  let droppedOpenSession: string | null = null;
  const last = kept.at(-1);
  if (last && !sessionClosed(last.bar.date, last.timestamp, chart, options.now, dateOf)) {
    droppedOpenSession = last.bar.date;
    kept = kept.slice(0, -1);
  }

  const skippedEmptyDays = [...emptyDays].filter((day) => !byDay.has(day) && inRange(day)).sort();
  return {
    symbol: meta.symbol,
    info: symbolInfo(chart),
    bars: kept.map((row) => row.bar),
    droppedOpenSession,
    skippedEmptyDays,
  };
}

export function symbolInfo(chart: ChartResultObject): SymbolInfo {
  const { meta } = chart;
  return {
    symbol: meta.symbol,
    exchange: US_EXCHANGES.has(meta.exchangeName) ? 'US' : meta.exchangeName,
    timezone: meta.exchangeTimezoneName,
    currency: meta.currency ?? null,
    name: meta.longName ?? meta.shortName ?? null,
    sector: null,
    synthetic: false,
  };
}

/**
 * A session has closed once `now` is past its regular close: the close Yahoo
 * gives for the current trading period when that is this bar's day, otherwise
 * the bar's timestamp plus the length of a regular session.
 */
function sessionClosed(
  day: string,
  timestamp: number,
  chart: ChartResultObject,
  now: Date,
  dateOf: (instant: Date) => string,
): boolean {
  const today = dateOf(now);
  if (day < today) return true;
  if (day > today) return false;
  const regular = chart.meta.currentTradingPeriod.regular;
  const closesAt =
    dateOf(regular.end) === day
      ? regular.end.getTime()
      : timestamp * 1000 + (regular.end.getTime() - regular.start.getTime());
  return now.getTime() >= closesAt;
}

/** Per exchange-local day, the combined value of that day's events. */
function eventsByDay<E extends { date: Date }>(
  events: Record<string, E> | undefined,
  dateOf: (instant: Date) => string,
  value: (event: E) => number,
  combine: (a: number, b: number) => number,
): Map<string, number> {
  const byDay = new Map<string, number>();
  for (const event of Object.values(events ?? {})) {
    const day = dateOf(event.date);
    const v = value(event);
    if (!Number.isFinite(v) || v <= 0) continue;
    const previous = byDay.get(day);
    byDay.set(day, previous === undefined ? v : combine(previous, v));
  }
  return byDay;
}

/**
 * Put each event on the bar of its day, or on the next bar when Yahoo has no
 * (usable) bar that day, so the event still takes effect at the right place.
 * Returns the events that had to move.
 */
function attachEvents(
  bars: RawBar[],
  events: Map<string, number>,
  kind: 'split' | 'dividend',
  apply: (bar: RawBar, value: number, day: string) => void,
): { kind: 'split' | 'dividend'; day: string; barDate: string }[] {
  const moved = [];
  for (const [day, value] of events) {
    const bar = bars.find((b) => b.date >= day);
    if (!bar) continue;
    if (bar.date !== day) moved.push({ kind, day, barDate: bar.date });
    apply(bar, value, day);
  }
  return moved;
}

function isPrice(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** `instant` → its calendar date in `timezone`, YYYY-MM-DD (a DataError for a zone Intl does not know). */
export function exchangeDateFormatter(timezone: string, symbol: string): (instant: Date) => string {
  try {
    localDate(new Date(0), timezone);
  } catch {
    throw new DataError(`Yahoo gave ${symbol} an unknown exchange time zone "${timezone}"`);
  }
  return (instant) => localDate(instant, timezone);
}
