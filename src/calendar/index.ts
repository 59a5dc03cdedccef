import { createSessionCalendar } from './session-calendar.ts';
import { NYSE_CLOSE_MINUTES, NYSE_EARLY_CLOSE_MINUTES, nyseYear } from './nyse.ts';
import type { NyseYear } from './nyse.ts';
import { yearOfDayNumber } from './civil.ts';
import type { TradingCalendar } from './types.ts';

export type { TradingCalendar } from './types.ts';
export { localDate } from './timezone.ts';
export { isIsoDate } from './civil.ts';

const noClosures: ReadonlySet<number> = new Set();
const calendars = new Map<string, TradingCalendar>();

/**
 * The calendar of an exchange: 'US' trades on the NYSE calendar in New York;
 * any other exchange trades every weekday in `timezone`, closing at 16:00.
 * Calendars are shared, so their per-year caches are built once.
 */
export function calendarFor(exchange: string, timezone = 'UTC'): TradingCalendar {
  const key = exchange === 'US' ? 'NYSE' : `weekdays|${timezone}`;
  let calendar = calendars.get(key);
  if (!calendar) {
    calendar = exchange === 'US' ? createNyseCalendar() : createWeekdayCalendar(timezone);
    calendars.set(key, calendar);
  }
  return calendar;
}

function createNyseCalendar(): TradingCalendar {
  const years = new Map<number, NyseYear>();
  const yearOf = (year: number): NyseYear => {
    let cached = years.get(year);
    if (!cached) {
      cached = nyseYear(year);
      years.set(year, cached);
    }
    return cached;
  };
  return createSessionCalendar({
    id: 'NYSE',
    timezone: 'America/New_York',
    closures: (year) => yearOf(year).closures,
    closeMinutes: (day) =>
      yearOf(yearOfDayNumber(day)).earlyCloses.has(day)
        ? NYSE_EARLY_CLOSE_MINUTES
        : NYSE_CLOSE_MINUTES,
  });
}

function createWeekdayCalendar(timezone: string): TradingCalendar {
  return createSessionCalendar({
    id: 'weekdays',
    timezone,
    closures: () => noClosures,
    closeMinutes: () => 16 * 60,
  });
}
