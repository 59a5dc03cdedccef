import { calendarFor } from '../calendar/index.ts';
import type { Context } from '../context.ts';
import { MlxError, errorMessage } from '../errors.ts';
import type { PriceStore } from '../store/price-store.ts';
import { resolveUniverse } from '../universe.ts';
import type { Check } from './check.ts';
import { Home } from '../home-files/home.ts';

/** How far one symbol's newest bar is behind its exchange's last closed session. */
export interface SymbolFreshness {
  symbol: string;
  last_bar: string;
  last_close: string;
  sessions_behind: number;
}

/** The freshness of the data predict would use, per symbol and overall (doctor --json). */
export interface Freshness {
  /** staleSessions: how far behind predict still accepts a symbol. */
  limit: number;
  /** The newest bar of any symbol, and how many sessions it is behind. */
  newest_bar: string;
  sessions_behind: number;
  symbols: SymbolFreshness[];
}

/**
 * The symbols predict would predict (the config universe, else the promoted
 * model's stored symbols, else every stored one) with how many sessions each
 * one's newest bar is behind the clock; null when nothing is stored.
 */
export function measureFreshness(ctx: Context, store: PriceStore): Freshness | null {
  const registry = Home.of(ctx).models;
  let modelSymbols: readonly string[] | null = null;
  try {
    const version = registry.currentVersion(ctx.config.modelName);
    if (version) modelSymbols = registry.manifest(ctx.config.modelName, version).symbols;
  } catch {
    // A broken model is the model check's to report; freshness is judged on the store alone.
  }
  if (store.symbolNames().length === 0) return null;
  const symbols = resolveUniverse(ctx, store, {
    keepStored: modelSymbols ? (s) => (modelSymbols as readonly string[]).includes(s) : undefined,
  });
  const measured: SymbolFreshness[] = [];
  for (const symbol of symbols) {
    const summary = store.symbolSummary(symbol);
    if (!summary) continue;
    const calendar = calendarFor(summary.exchange, summary.timezone);
    const lastClose = calendar.lastClosedSession(ctx.now());
    measured.push({
      symbol,
      last_bar: summary.last,
      last_close: lastClose,
      sessions_behind: calendar.countSessions(summary.last, lastClose),
    });
  }
  if (measured.length === 0) return null;
  const newest = measured.reduce((a, b) => (b.last_bar > a.last_bar ? b : a));
  return {
    limit: ctx.config.staleSessions,
    newest_bar: newest.last_bar,
    sessions_behind: newest.sessions_behind,
    symbols: measured,
  };
}

/** The doctor line for freshness: which symbols predict would refuse as stale, and the fix (pure). */
export function freshnessCheck(freshness: Freshness): Check {
  const stale = freshness.symbols
    .filter((s) => s.sessions_behind > freshness.limit)
    .sort((a, b) => b.sessions_behind - a.sessions_behind || (a.symbol < b.symbol ? -1 : 1));
  const newest = freshness.symbols.find((s) => s.last_bar === freshness.newest_bar);
  const overall = `newest bar ${freshness.newest_bar}, ${freshness.sessions_behind} session(s) behind the last close ${newest?.last_close ?? ''}`;
  if (stale.length === 0)
    return {
      name: 'data freshness',
      ok: true,
      detail: `${overall}; all ${freshness.symbols.length} symbol(s) within staleSessions (${freshness.limit})`,
    };
  const named = stale
    .slice(0, 5)
    .map((s) => `${s.symbol} ${s.sessions_behind} (last bar ${s.last_bar})`)
    .join(', ');
  return {
    name: 'data freshness',
    ok: false,
    detail:
      `${overall}; ${stale.length} of ${freshness.symbols.length} symbol(s) more than staleSessions (${freshness.limit}) sessions behind, which mlx predict refuses: ` +
      `${named}${stale.length > 5 ? ` and ${stale.length - 5} more` : ''}`,
    hint:
      'refresh the data: mlx data fetch (from Yahoo), or mlx data import FILE... with newer bars; ' +
      'to predict a past session instead: mlx predict --as-of DATE (--repair cannot fetch data)',
  };
}

/** Measure and judge; a failure to measure (a bad universe in the config) is the check's failure. */
export function checkFreshness(
  ctx: Context,
  store: PriceStore,
): { freshness: Freshness | null; check: Check | null } {
  try {
    const freshness = measureFreshness(ctx, store);
    return { freshness, check: freshness ? freshnessCheck(freshness) : null };
  } catch (err) {
    return {
      freshness: null,
      check: {
        name: 'data freshness',
        ok: false,
        detail: errorMessage(err),
        hint: err instanceof MlxError ? err.hint : undefined,
      },
    };
  }
}
