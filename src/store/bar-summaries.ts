import type Database from 'better-sqlite3';
import { calendarFor } from '../calendar/index.ts';
import { adjustBars } from './adjust.ts';
import { assessQuality } from './quality.ts';
import type { StoredBar, SymbolInfo } from './types.ts';

/**
 * bar_summaries: per symbol, its range, row count and the counts of its
 * data-quality flags, rewritten with every bar write, so that listing a
 * store of millions of bars reads one row per symbol. Derived state: doctor
 * --reindex rebuilds it from the bars.
 */
export interface BarSummary {
  rows: number;
  first: string;
  last: string;
  missing_sessions: number;
  zero_volume_days: number;
  splits: number;
  dividends: number;
  suspicious_moves: number;
}

/** The calendar a summary was counted with: a symbol moved to another exchange needs a recount. */
function calendarKey(info: SymbolInfo): string {
  return `${info.exchange}|${info.timezone}`;
}

/** Recompute one symbol's summary from all its bars (none: the row is removed). */
export function writeSummary(
  db: Database.Database,
  info: SymbolInfo,
  bars: readonly StoredBar[],
): void {
  if (bars.length === 0) {
    db.prepare('DELETE FROM bar_summaries WHERE symbol = ?').run(info.symbol);
    return;
  }
  const quality = assessQuality(
    adjustBars(info.symbol, bars),
    calendarFor(info.exchange, info.timezone),
  );
  db.prepare(
    `INSERT OR REPLACE INTO bar_summaries
       (symbol, calendar, rows, first, last, missing_sessions, zero_volume_days, splits, dividends, suspicious_moves)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    info.symbol,
    calendarKey(info),
    bars.length,
    bars[0].date,
    (bars.at(-1) as StoredBar).date,
    quality.missing_sessions.length,
    quality.zero_volume_days.length,
    quality.splits.length,
    quality.dividends.length,
    quality.suspicious_moves.length,
  );
}

/** Whether a symbol's summary exists and was counted with its current calendar. */
export function summaryIsCurrent(db: Database.Database, info: SymbolInfo): boolean {
  const row = db.prepare('SELECT calendar FROM bar_summaries WHERE symbol = ?').get(info.symbol) as
    { calendar: string } | undefined;
  return row?.calendar === calendarKey(info);
}
