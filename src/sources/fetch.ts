import { calendarFor, localDate } from '../calendar/index.ts';
import { withDefaults, type Context } from '../context.ts';
import {
  DataError,
  ExitCode,
  MlxError,
  NetworkError,
  UsageError,
  errorMessage,
  type ExitCodeValue,
} from '../errors.ts';
import { generateSyntheticMarket } from './synthetic.ts';
import { fetchDailyBars } from './yahoo/daily-bars.ts';
import { barRulesFor, checkBar } from '../store/bar-checks.ts';
import type { PriceStore } from '../store/price-store.ts';
import type { RawBar, SymbolInfo } from '../store/types.ts';
import { resolveUniverse } from '../universe.ts';

/** Sessions re-downloaded before the last stored bar, to catch the source's revisions. */
export const FETCH_OVERLAP_SESSIONS = 10;
/** A network that fails this many symbols in a row is down: the rest are not tried. */
const GIVE_UP_AFTER_NETWORK_FAILURES = 3;
/** History requested for a symbol the store has never seen. */
export const DEFAULT_HISTORY_YEARS = 10;

export interface FetchOptions {
  symbols: string[];
  source: 'yahoo' | 'synthetic';
  /** First day for symbols with no stored bars (default: 10 years back). */
  from?: string;
  to?: string;
  /** Synthetic only: how many symbols, and the seed. */
  count?: number;
  seed?: number;
  /** The network layer for Yahoo; tests pass a fake shaped like Yahoo's responses. */
  fetchImpl?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export interface FetchedSymbol {
  symbol: string;
  from: string;
  inserted: number;
  updated: number;
  unchanged: number;
  last: string | null;
  dropped_open_session: string | null;
  /** Bars the source gave that fail the store's bar checks, left out (Yahoo only). */
  bad_bars?: { date: string; field: string; reason: string }[];
}

export interface FetchResult {
  source: 'yahoo' | 'synthetic';
  symbols: FetchedSymbol[];
  failures: { symbol: string; error: string; hint?: string }[];
  exit_code: ExitCodeValue;
}

/** The synthetic market's range, size and seed, checked before anything is opened. */
export function syntheticSettings(
  ctx: Context,
  options: FetchOptions,
): { from: string; to: string; count: number; seed: number } {
  const lastClosed = calendarFor('US').lastClosedSession(ctx.now());
  const to = options.to ?? lastClosed;
  if (to > lastClosed) {
    throw new UsageError(
      `--to ${to} is after the last closed session (${lastClosed}): bars cannot be dated in the future`,
    );
  }
  const from = options.from ?? `${Number(to.slice(0, 4)) - 6}${to.slice(4)}`;
  const count = options.count ?? 50;
  const { seed } = withDefaults(ctx.config, options);
  return { from, to, count, seed };
}

/** The fetch itself, for commands that already hold the lock and the store (predict, verify). */
export async function fetchIntoStore(
  ctx: Context,
  store: PriceStore,
  options: FetchOptions,
): Promise<FetchResult> {
  return options.source === 'synthetic'
    ? fetchSynthetic(ctx, store, options)
    : fetchYahoo(ctx, store, options);
}

function fetchSynthetic(ctx: Context, store: PriceStore, options: FetchOptions): FetchResult {
  const { from, to, count, seed } = syntheticSettings(ctx, options);
  const market = generateSyntheticMarket({ symbols: count, from, to, seed });
  const rules = barRulesFor('US', localDate(ctx.now(), 'America/New_York'));
  for (const [symbol, bars] of market.bars) {
    for (const bar of bars) {
      const problem = checkBar(bar, rules);
      // The generator makes consistent bars by construction: this is a bug, not bad input.
      if (problem) throw new Error(`synthetic ${symbol} ${bar.date}: ${problem.reason}`);
    }
  }
  const fetchedAt = ctx.now().toISOString();
  const symbols = store.transaction(() =>
    market.info.map((info): FetchedSymbol => {
      store.upsertSymbol(info, 'synthetic', fetchedAt);
      const bars = market.bars.get(info.symbol) ?? [];
      const counts = store.upsertBars(info.symbol, bars, 'synthetic', fetchedAt);
      return {
        symbol: info.symbol,
        from,
        ...counts,
        last: bars.at(-1)?.date ?? null,
        dropped_open_session: null,
      };
    }),
  );
  ctx.log.info(`synthetic market (seed ${seed}): ${symbols.length} symbols, ${from} → ${to}`);
  return { source: 'synthetic', symbols, failures: [], exit_code: ExitCode.ok };
}

async function fetchYahoo(
  ctx: Context,
  store: PriceStore,
  options: FetchOptions,
): Promise<FetchResult> {
  const noneToFetch = () =>
    new UsageError(
      'no symbols to fetch',
      'name them (mlx data fetch AAPL MSFT) or set "universe" in mlx.config.json',
    );
  // Stored synthetic symbols have nowhere to be fetched from.
  const symbols = resolveUniverse(ctx, store, {
    symbols: options.symbols,
    keepStored: (s) => !store.symbolInfo(s)?.synthetic,
    noneError: noneToFetch,
  });
  if (symbols.length === 0) throw noneToFetch();
  const now = ctx.now();
  const result: FetchResult = {
    source: 'yahoo',
    symbols: [],
    failures: [],
    exit_code: ExitCode.ok,
  };
  const progress = ctx.progress('fetching', symbols.length);
  let networkFailuresInARow = 0;
  for (const symbol of symbols) {
    if (networkFailuresInARow >= GIVE_UP_AFTER_NETWORK_FAILURES) {
      result.failures.push({
        symbol,
        error: `not tried: the previous ${networkFailuresInARow} symbols failed to reach Yahoo`,
        hint: 'check the network and rerun mlx data fetch; stored data is unchanged',
      });
      progress.tick(1, symbol);
      continue;
    }
    const from = options.from ?? incrementalStart(store, symbol, now);
    try {
      const fetched = await fetchDailyBars(symbol, {
        from,
        to: options.to,
        now,
        fetchImpl: options.fetchImpl,
        sleep: options.sleep,
        log: ctx.log,
      });
      const fetchedAt = now.toISOString();
      const { bars, badBars } = validYahooBars(symbol, fetched.info, fetched.bars, now);
      for (const bad of badBars)
        ctx.log.warn(`${symbol}: Yahoo's bar of ${bad.date} left out: ${bad.reason}`);
      const counts = store.transaction(() => {
        store.upsertSymbol(fetched.info, 'yahoo', fetchedAt);
        return store.upsertBars(symbol, bars, 'yahoo', fetchedAt);
      });
      if (counts.updated > 0)
        ctx.log.warn(
          `${symbol}: Yahoo revised ${counts.updated} stored bar(s); the old values are kept in bar_revisions`,
        );
      networkFailuresInARow = 0;
      result.symbols.push({
        symbol,
        from,
        ...counts,
        last: bars.at(-1)?.date ?? null,
        dropped_open_session: fetched.droppedOpenSession,
        ...(badBars.length ? { bad_bars: badBars } : {}),
      });
    } catch (err) {
      if (!(err instanceof MlxError)) throw err;
      networkFailuresInARow = err instanceof NetworkError ? networkFailuresInARow + 1 : 0;
      ctx.log.warn(`${symbol}: ${errorMessage(err)}`);
      result.failures.push({ symbol, error: err.message, ...(err.hint ? { hint: err.hint } : {}) });
    }
    progress.tick(1, symbol);
  }
  progress.done();
  if (result.failures.length > 0) {
    result.exit_code = result.symbols.length > 0 ? ExitCode.partial : ExitCode.failure;
  }
  return result;
}

/** A short overlap before the last stored bar (to see revisions), or years back for a new symbol. */
function incrementalStart(store: PriceStore, symbol: string, now: Date): string {
  const info = store.symbolInfo(symbol);
  const last = store.bars(symbol).at(-1)?.date;
  if (!info || !last) {
    const today = now.toISOString().slice(0, 10);
    return `${Number(today.slice(0, 4)) - DEFAULT_HISTORY_YEARS}${today.slice(4)}`;
  }
  return calendarFor(info.exchange, info.timezone).addSessions(last, -FETCH_OVERLAP_SESSIONS);
}

/**
 * The store's bar checks on Yahoo's answer. A bad bar is left out with a
 * warning, since the user cannot fix Yahoo's data; one that carries a split or
 * dividend fails the symbol instead, as leaving it out would lose the event.
 */
function validYahooBars(
  symbol: string,
  info: SymbolInfo,
  fetched: readonly RawBar[],
  now: Date,
): { bars: RawBar[]; badBars: NonNullable<FetchedSymbol['bad_bars']> } {
  const rules = barRulesFor(info.exchange, localDate(now, info.timezone));
  const bars: RawBar[] = [];
  const badBars: NonNullable<FetchedSymbol['bad_bars']> = [];
  for (const bar of fetched) {
    const problem = checkBar(bar, rules);
    if (!problem) {
      bars.push(bar);
      continue;
    }
    if (bar.split !== 1 || bar.dividend !== 0) {
      throw new DataError(
        `Yahoo's bar of ${bar.date} for ${symbol} carries a ${bar.split !== 1 ? 'split' : 'dividend'} but fails the bar checks: ${problem.field}: ${problem.reason}`,
        'nothing was stored for this symbol; try again later, or import a corrected CSV',
      );
    }
    badBars.push({ date: bar.date, ...problem });
  }
  return { bars, badBars };
}
