import { calendarFor, isIsoDate } from '../calendar/index.ts';
import type { Context } from '../context.ts';
import {
  ExitCode,
  MlxError,
  NetworkError,
  UsageError,
  errorMessage,
  type ExitCodeValue,
} from '../errors.ts';
import { normaliseSymbol } from '../exchanges.ts';
import { generateSyntheticMarket } from '../sources/synthetic.ts';
import { fetchDailyBars } from '../sources/yahoo.ts';
import type { PriceStore } from '../store/price-store.ts';
import { openStore, withWriteLock } from './session.ts';

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
}

export interface FetchResult {
  source: 'yahoo' | 'synthetic';
  symbols: FetchedSymbol[];
  failures: { symbol: string; error: string; hint?: string }[];
  exit_code: ExitCodeValue;
}

/** `mlx data fetch`: incremental download into the store; one symbol's failure spares the others. */
export async function fetchData(ctx: Context, options: FetchOptions): Promise<FetchResult> {
  for (const [flag, value] of [
    ['--from', options.from],
    ['--to', options.to],
  ] as const) {
    if (value !== undefined && !isIsoDate(value))
      throw new UsageError(`${flag} expects YYYY-MM-DD, got "${value}"`);
  }
  return withWriteLock(ctx, 'data fetch', async () => {
    const store = openStore(ctx, 'write');
    try {
      return await fetchIntoStore(ctx, store, options);
    } finally {
      store.close();
    }
  });
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
  const to = options.to ?? calendarFor('US').lastClosedSession(ctx.now());
  const from = options.from ?? `${Number(to.slice(0, 4)) - 6}${to.slice(4)}`;
  const count = options.count ?? 50;
  if (!Number.isInteger(count) || count < 1 || count > 5000) {
    throw new UsageError(`--count expects 1 to 5000 symbols, got ${options.count}`);
  }
  const seed = options.seed ?? ctx.config.seed;
  if (!Number.isInteger(seed))
    throw new UsageError(`--seed expects an integer, got ${options.seed}`);
  const market = generateSyntheticMarket({ symbols: count, from, to, seed });
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
  const symbols = resolveFetchSymbols(ctx, store, options.symbols);
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
      const counts = store.transaction(() => {
        store.upsertSymbol(fetched.info, 'yahoo', fetchedAt);
        return store.upsertBars(symbol, fetched.bars, 'yahoo', fetchedAt);
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
        last: fetched.bars.at(-1)?.date ?? null,
        dropped_open_session: fetched.droppedOpenSession,
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

/** Symbols named, else the configured universe, else every stored non-synthetic symbol. */
function resolveFetchSymbols(ctx: Context, store: PriceStore, named: string[]): string[] {
  const raw = named.length > 0 ? named : ctx.config.universe;
  if (raw.length > 0) {
    return raw.map((s) => {
      const symbol = normaliseSymbol(s);
      if (!symbol) throw new UsageError(`invalid symbol "${s}"`);
      return symbol;
    });
  }
  const stored = store
    .listSymbols()
    .filter((s) => !s.synthetic)
    .map((s) => s.symbol);
  if (stored.length === 0) {
    throw new UsageError(
      'no symbols to fetch',
      'name them (mlx data fetch AAPL MSFT) or set "universe" in mlx.config.json',
    );
  }
  return stored;
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
