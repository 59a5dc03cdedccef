import {
  civilFromDays,
  dayNumberOf,
  daysFromCivil,
  formatDayNumber,
  weekdayOf,
  yearOfDayNumber,
} from './civil.ts';
import { assertTimezone, localDate, zonedInstant } from './timezone.ts';
import type { TradingCalendar } from './types.ts';

/** What distinguishes one exchange's calendar from another's. */
export interface SessionRules {
  id: string;
  timezone: string;
  /** Weekdays (Monday to Friday) that are closed in `year`. */
  closures(year: number): ReadonlySet<number>;
  /** Local close, in minutes after midnight, of a session. */
  closeMinutes(dayNumber: number): number;
}

interface YearSessions {
  days: Int32Array;
  dates: string[];
}

/**
 * A TradingCalendar over per-year session lists, built once per year and
 * searched by bisection, so walking thousands of sessions stays cheap.
 */
export function createSessionCalendar(rules: SessionRules): TradingCalendar {
  assertTimezone(rules.timezone);
  const years = new Map<number, YearSessions>();

  const sessionsOf = (year: number): YearSessions => {
    let cached = years.get(year);
    if (!cached) {
      const closed = rules.closures(year);
      const days: number[] = [];
      const end = daysFromCivil(year + 1, 1, 1);
      for (let day = daysFromCivil(year, 1, 1); day < end; day++) {
        const weekday = weekdayOf(day);
        if (weekday !== 0 && weekday !== 6 && !closed.has(day)) days.push(day);
      }
      cached = { days: Int32Array.from(days), dates: days.map(formatDayNumber) };
      years.set(year, cached);
    }
    return cached;
  };

  /** Index of the first session after `day` (year-local, may equal the year's length). */
  const countUpTo = (sessions: YearSessions, day: number): number => {
    const { days } = sessions;
    let low = 0;
    let high = days.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (days[mid] <= day) low = mid + 1;
      else high = mid;
    }
    return low;
  };

  const isSessionDay = (day: number): boolean => {
    const sessions = sessionsOf(yearOfDayNumber(day));
    const index = countUpTo(sessions, day) - 1;
    return index >= 0 && sessions.days[index] === day;
  };

  const forward = (day: number, n: number): string => {
    let year = yearOfDayNumber(day);
    let sessions = sessionsOf(year);
    let index = countUpTo(sessions, day) + n - 1;
    while (index >= sessions.days.length) {
      index -= sessions.days.length;
      sessions = sessionsOf(++year);
    }
    return sessions.dates[index];
  };

  const backward = (day: number, n: number): string => {
    let year = yearOfDayNumber(day);
    let sessions = sessionsOf(year);
    // Sessions strictly before `day`: those up to day − 1.
    let index = countUpTo(sessions, day - 1) - n;
    while (index < 0) {
      sessions = sessionsOf(--year);
      index += sessions.days.length;
    }
    return sessions.dates[index];
  };

  const closeOf = (date: string): Date => {
    const day = dayNumberOf(date);
    if (!isSessionDay(day)) throw new RangeError(`${date} is not a ${rules.id} session`);
    const { year, month, day: dayOfMonth } = civilFromDays(day);
    return zonedInstant(year, month, dayOfMonth, rules.closeMinutes(day), rules.timezone);
  };

  return {
    id: rules.id,
    timezone: rules.timezone,
    isSession: (date) => isSessionDay(dayNumberOf(date)),
    nextSession: (date) => forward(dayNumberOf(date), 1),
    previousSession: (date) => backward(dayNumberOf(date), 1),
    addSessions(date, n) {
      if (!Number.isInteger(n) || n === 0) {
        throw new RangeError(`addSessions needs a non-zero integer count, got ${n}`);
      }
      const day = dayNumberOf(date);
      return n > 0 ? forward(day, n) : backward(day, -n);
    },
    sessionsBetween(from, to) {
      const first = dayNumberOf(from);
      const last = dayNumberOf(to);
      const result: string[] = [];
      for (let year = yearOfDayNumber(first); year <= yearOfDayNumber(last); year++) {
        const sessions = sessionsOf(year);
        const start = countUpTo(sessions, first - 1);
        const end = countUpTo(sessions, last);
        for (let index = start; index < end; index++) result.push(sessions.dates[index]);
      }
      return result;
    },
    countSessions(from, to) {
      const first = dayNumberOf(from);
      const last = dayNumberOf(to);
      if (last <= first) return 0;
      const lastYear = yearOfDayNumber(last);
      let count = countUpTo(sessionsOf(lastYear), last);
      for (let year = yearOfDayNumber(first); year < lastYear; year++) {
        count += sessionsOf(year).days.length;
      }
      return count - countUpTo(sessionsOf(yearOfDayNumber(first)), first);
    },
    sessionClose: closeOf,
    hasClosed: (date, now) => closeOf(date).getTime() <= now.getTime(),
    lastClosedSession(now) {
      const today = localDate(now, rules.timezone);
      if (isSessionDay(dayNumberOf(today)) && closeOf(today).getTime() <= now.getTime()) {
        return today;
      }
      return backward(dayNumberOf(today), 1);
    },
  };
}
