import { calendarFor, localDate, type TradingCalendar } from '../calendar/index.ts';
import { UsageError } from '../errors.ts';
import type { PriceStore } from '../store/price-store.ts';

/**
 * Why `predict --as-of D` cannot predict D on this calendar at `now`, or null
 * when D is a session that has closed (pure). A record's as_of is always the
 * session asked for: a weekend, a holiday or a date to come is refused, never
 * replaced by a neighbouring session.
 */
export function asOfProblem(asOf: string, calendar: TradingCalendar, now: Date): string | null {
  const today = localDate(now, calendar.timezone);
  const lastClosed = calendar.lastClosedSession(now);
  if (asOf > today)
    return `${asOf} is in the future: today is ${today} on the ${calendar.id} calendar, its last closed session ${lastClosed}`;
  if (!calendar.isSession(asOf))
    return `${asOf} is not a trading session on the ${calendar.id} calendar (a weekend or a market holiday): the session before it is ${calendar.previousSession(asOf)}, the one after ${calendar.nextSession(asOf)}`;
  if (asOf > lastClosed)
    return `${asOf} has not closed yet: the last closed session on the ${calendar.id} calendar is ${lastClosed}`;
  return null;
}

/** `--as-of D` refused for every symbol asked for: exit 2, nothing recorded. */
export function asOfError(problem: string): UsageError {
  return new UsageError(
    `--as-of ${problem}`,
    'predict a session that has closed (mlx predictions lists those already recorded); nothing was recorded',
  );
}

/**
 * No symbol asked for has a bar on the session: exit 2, nothing recorded. A
 * replay (backtest) skips such a session, so it has its own class.
 */
export class NoBarsOnSessionError extends UsageError {
  constructor(asOf: string, newest: string | null) {
    super(
      `no bars for ${asOf} in the store for the symbols asked for${newest ? `: the newest stored bar is of ${newest}` : ''}; nothing was recorded`,
      'refresh the data (mlx data fetch, or mlx data import FILE...), or predict a session the store has bars for',
    );
  }
}

/** Why one symbol cannot be predicted as of a session it has no bar for (naming its bars around it). */
export function missingBarReason(
  symbol: string,
  asOf: string,
  before: string | null,
  after: string | null,
): string {
  const refresh = `refresh with mlx data fetch ${symbol}, or mlx data import FILE`;
  if (before && after)
    return `no bar for ${asOf}: the session is missing from its data (bars ${before}, then ${after}); ${refresh}`;
  if (before) return `no bar for ${asOf}: its last bar is ${before}; ${refresh}`;
  return `no bar for ${asOf}: its data starts ${after ?? 'nowhere'}`;
}

/**
 * The symbols whose exchange had a closed session on `asOf`; the others join
 * `failures`, and when none had, the whole run is refused (exit 2).
 */
export function onSessionCalendars(
  store: Pick<PriceStore, 'symbolInfo'>,
  symbols: readonly string[],
  asOf: string,
  now: Date,
  failures: { symbol: string; reason: string }[],
): string[] {
  const problems = new Map<string, string | null>();
  const problemOf = (symbol: string): string | null => {
    const info = store.symbolInfo(symbol);
    if (!info) return null;
    const calendar = calendarFor(info.exchange, info.timezone);
    const key = `${calendar.id}|${calendar.timezone}`;
    if (!problems.has(key)) problems.set(key, asOfProblem(asOf, calendar, now));
    return problems.get(key) ?? null;
  };
  const ok = symbols.filter((symbol) => problemOf(symbol) === null);
  if (ok.length === 0 && symbols.length > 0) throw asOfError(problemOf(symbols[0]) as string);
  for (const symbol of symbols) {
    const problem = problemOf(symbol);
    if (problem) failures.push({ symbol, reason: problem });
  }
  return ok;
}

/** Refuse (exit 2) a session none of the symbols asked for has a bar on. */
export function assertSomeBarOn(
  store: Pick<PriceStore, 'bars' | 'symbolSummary'>,
  symbols: readonly string[],
  asOf: string,
): void {
  if (symbols.length === 0) return;
  if (symbols.some((s) => store.bars(s, { from: asOf, until: asOf }).length > 0)) return;
  const newest = symbols
    .map((s) => store.symbolSummary(s)?.last ?? '')
    .reduce((a, b) => (b > a ? b : a), '');
  throw new NoBarsOnSessionError(asOf, newest || null);
}
