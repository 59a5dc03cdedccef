import { calendarFor, localDate } from '../calendar/index.ts';
import { NYSE_EXACT_FROM, barRulesFor, checkBar, type BarProblem } from '../store/bar-checks.ts';
import type { PriceStore } from '../store/price-store.ts';
import type { RawBar } from '../store/types.ts';
import type { Check } from './check.ts';

export interface BadBar {
  symbol: string;
  date: string;
  problem: BarProblem;
}

type BarRow = RawBar & { symbol: string; exchange: string; timezone: string };

/**
 * Stored bars that fail today's bar checks: stored before mlx checked them
 * (a date in 6221, a weekend, high below low). SQL picks the candidates with
 * loose conditions in one pass; checkBar decides, exactly as import does.
 */
export function findBadBars(store: PriceStore, now: Date): BadBar[] {
  const calendar = calendarFor('US');
  // Today somewhere on Earth: the SQL below must keep every candidate, checkBar decides.
  const earliest = localDate(now, 'Etc/GMT+12');
  const latest = localDate(now, 'Pacific/Kiritimati');
  // Weekdays that are no NYSE session, from 1985 to today: the holidays and special closures.
  const closed: string[] = [];
  for (let day = NYSE_EXACT_FROM; day <= latest;) {
    const next = calendar.nextSession(day);
    for (let d = new Date(`${day}T12:00:00Z`); ;) {
      d.setUTCDate(d.getUTCDate() + 1);
      const iso = d.toISOString().slice(0, 10);
      if (iso >= next) break;
      if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) closed.push(iso);
    }
    day = next;
  }
  const rows = store.db
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
    .all(earliest, NYSE_EXACT_FROM, JSON.stringify(closed)) as BarRow[];
  const bad: BadBar[] = [];
  for (const row of rows) {
    const problem = checkBar(row, barRulesFor(row.exchange, localDate(now, row.timezone)));
    if (problem) bad.push({ symbol: row.symbol, date: row.date, problem });
  }
  return bad;
}

export function badBarsCheck(bad: readonly BadBar[]): Check {
  if (bad.length === 0)
    return { name: 'stored bars', ok: true, detail: 'every bar passes the bar checks' };
  const shown = bad
    .slice(0, 5)
    .map((b) => `${b.symbol} ${b.date}: ${b.problem.reason}`)
    .join('; ');
  return {
    name: 'stored bars',
    ok: false,
    detail: `${bad.length} stored bar(s) fail the bar checks, stored before mlx checked them (${shown}${bad.length > 5 ? '; …' : ''})`,
    hint: "mlx doctor --repair removes them from the bars, keeping each in the store's revision log (bar_revisions)",
  };
}

/** Move bad bars out of `bars` into bar_revisions (never lost), and recount the summaries. */
export function removeBadBars(store: PriceStore, bad: readonly BadBar[], now: Date): number {
  if (bad.length === 0) return 0;
  const read = store.db.prepare('SELECT * FROM bars WHERE symbol = ? AND date = ?');
  const log = store.db.prepare(
    "INSERT INTO bar_revisions (symbol, date, seen_at, source, previous, current) VALUES (?, ?, ?, 'doctor', ?, ?)",
  );
  const remove = store.db.prepare('DELETE FROM bars WHERE symbol = ? AND date = ?');
  store.transaction(() => {
    for (const b of bad) {
      log.run(
        b.symbol,
        b.date,
        now.toISOString(),
        JSON.stringify(read.get(b.symbol, b.date)),
        JSON.stringify({ removed: `${b.problem.field}: ${b.problem.reason}` }),
      );
      remove.run(b.symbol, b.date);
    }
    for (const symbol of new Set(bad.map((b) => b.symbol))) store.refreshSummary(symbol);
  });
  return bad.length;
}
