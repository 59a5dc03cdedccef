import type Database from 'better-sqlite3';
import type { RawBar } from './types.ts';

/** A stored bar with its symbol's listing, as the bar checks need it. */
export type ListedBar = RawBar & { symbol: string; exchange: string; timezone: string };

/**
 * Stored bars that may fail the bar checks, picked in one pass with loose
 * conditions (the caller's checkBar decides): dated after `after` or not a
 * real date, prices out of their range, or a US bar on or after `exactFrom`
 * that falls on a weekend or on one of `closedWeekdays`.
 */
export function suspectBars(
  db: Database.Database,
  options: { after: string; exactFrom: string; closedWeekdays: readonly string[] },
): ListedBar[] {
  return db
    .prepare(
      `SELECT b.symbol, b.date, b.open, b.high, b.low, b.close, b.volume, b.dividend, b.split,
              b.adj_close AS adjClose, s.exchange, s.timezone
       FROM bars b JOIN symbols s ON s.symbol = b.symbol
       WHERE b.date > ? OR date(b.date) IS NOT b.date
          OR b.high < b.low OR b.open > b.high OR b.open < b.low OR b.close > b.high OR b.close < b.low
          OR (s.exchange = 'US' AND b.date >= ? AND (strftime('%w', b.date) IN ('0', '6')
              OR b.date IN (SELECT value FROM json_each(?))))
       ORDER BY b.symbol, b.date`,
    )
    .all(options.after, options.exactFrom, JSON.stringify(options.closedWeekdays)) as ListedBar[];
}

/** Move bars out of `bars` into bar_revisions (never lost), each with why it was removed. */
export function moveBarsToRevisions(
  db: Database.Database,
  bars: readonly { symbol: string; date: string; reason: string }[],
  seenAt: string,
): void {
  const read = db.prepare('SELECT * FROM bars WHERE symbol = ? AND date = ?');
  const log = db.prepare(
    "INSERT INTO bar_revisions (symbol, date, seen_at, source, previous, current) VALUES (?, ?, ?, 'doctor', ?, ?)",
  );
  const remove = db.prepare('DELETE FROM bars WHERE symbol = ? AND date = ?');
  for (const b of bars) {
    log.run(
      b.symbol,
      b.date,
      seenAt,
      JSON.stringify(read.get(b.symbol, b.date)),
      JSON.stringify({ removed: b.reason }),
    );
    remove.run(b.symbol, b.date);
  }
}

export function revisionCount(db: Database.Database, symbol: string): number {
  return (
    db.prepare('SELECT COUNT(*) AS n FROM bar_revisions WHERE symbol = ?').get(symbol) as {
      n: number;
    }
  ).n;
}
