import { calendarFor, localDate } from '../calendar/index.ts';
import { NYSE_EXACT_FROM, barRulesFor, checkBar, type BarProblem } from '../store/bar-checks.ts';
import type { PriceStore } from '../store/price-store.ts';
import type { Check } from './check.ts';

export interface BadBar {
  symbol: string;
  date: string;
  problem: BarProblem;
}

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
  const rows = store.suspectBars({
    after: earliest,
    exactFrom: NYSE_EXACT_FROM,
    closedWeekdays: closed,
  });
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
  store.removeBars(
    bad.map((b) => ({
      symbol: b.symbol,
      date: b.date,
      reason: `${b.problem.field}: ${b.problem.reason}`,
    })),
    now.toISOString(),
  );
  return bad.length;
}
