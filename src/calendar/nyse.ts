import { daysFromCivil, weekdayOf } from './civil.ts';

/**
 * NYSE full-day closures and 13:00 early closes, as day numbers per year.
 *
 * Holidays (NYSE rule 7.2): New Year's Day, Martin Luther King Jr. Day (third
 * Monday of January, from 1998), Washington's Birthday (third Monday of
 * February), Good Friday, Memorial Day (last Monday of May), Juneteenth (from
 * 2022), Independence Day, Labor Day (first Monday of September),
 * Thanksgiving (fourth Thursday of November) and Christmas. A holiday on a
 * Saturday is observed the Friday before and one on a Sunday the Monday
 * after, except New Year's Day on a Saturday, which is not observed at all
 * (the Friday before ends a year). The one-off closures below are the ones
 * since 1985. Older history (Saturday trading, retired holidays) is not
 * modelled: the rules are exact from 1985 on.
 *
 * Early closes at 13:00 follow the modern schedule, from 1993: the day after
 * Thanksgiving; Christmas Eve when it is a Monday to Thursday (from 1996);
 * July 3 when it is a Monday, Tuesday or Thursday (from 1995) or a Wednesday
 * (from 2013); and, before 2013, July 5 when it is a Friday (from 1996).
 * Ad hoc early closes: 1997-12-26 and 2003-12-26.
 */

const specialClosures: readonly string[] = [
  '1985-09-27', // Hurricane Gloria
  '1994-04-27', // Richard Nixon's funeral
  '2001-09-11', // September 11 attacks, closed through the 14th
  '2001-09-12',
  '2001-09-13',
  '2001-09-14',
  '2004-06-11', // Ronald Reagan's funeral
  '2007-01-02', // Gerald Ford's funeral
  '2012-10-29', // Hurricane Sandy
  '2012-10-30',
  '2018-12-05', // George H. W. Bush's funeral
  '2025-01-09', // Jimmy Carter's funeral
];

const specialEarlyCloses: readonly string[] = ['1997-12-26', '2003-12-26'];

export const NYSE_CLOSE_MINUTES = 16 * 60;
export const NYSE_EARLY_CLOSE_MINUTES = 13 * 60;

export interface NyseYear {
  closures: ReadonlySet<number>;
  earlyCloses: ReadonlySet<number>;
}

export function nyseYear(year: number): NyseYear {
  return { closures: closuresOf(year), earlyCloses: earlyClosesOf(year) };
}

function closuresOf(year: number): Set<number> {
  const closures = new Set<number>();
  const newYear = daysFromCivil(year, 1, 1);
  // Sunday moves to Monday; Saturday is not observed.
  if (weekdayOf(newYear) !== 6) closures.add(weekdayOf(newYear) === 0 ? newYear + 1 : newYear);
  if (year >= 1998) closures.add(nthWeekday(year, 1, 1, 3));
  closures.add(nthWeekday(year, 2, 1, 3));
  closures.add(easterSunday(year) - 2);
  closures.add(lastWeekday(year, 5, 1));
  if (year >= 2022) closures.add(observed(daysFromCivil(year, 6, 19)));
  closures.add(observed(daysFromCivil(year, 7, 4)));
  closures.add(nthWeekday(year, 9, 1, 1));
  closures.add(nthWeekday(year, 11, 4, 4));
  closures.add(observed(daysFromCivil(year, 12, 25)));
  addListed(closures, specialClosures, year);
  return closures;
}

function earlyClosesOf(year: number): Set<number> {
  const early = new Set<number>();
  if (year < 1993) return early;
  early.add(nthWeekday(year, 11, 4, 4) + 1);
  const christmasEve = daysFromCivil(year, 12, 24);
  if (year >= 1996 && isMondayToThursday(christmasEve)) early.add(christmasEve);
  const july3 = daysFromCivil(year, 7, 3);
  const july3Weekday = weekdayOf(july3);
  if (year >= 1995 && (july3Weekday === 1 || july3Weekday === 2 || july3Weekday === 4)) {
    early.add(july3);
  }
  if (year >= 2013 && july3Weekday === 3) early.add(july3);
  const july5 = daysFromCivil(year, 7, 5);
  if (year >= 1996 && year < 2013 && weekdayOf(july5) === 5) early.add(july5);
  addListed(early, specialEarlyCloses, year);
  return early;
}

function addListed(target: Set<number>, dates: readonly string[], year: number): void {
  for (const date of dates) {
    if (Number(date.slice(0, 4)) === year) {
      target.add(daysFromCivil(year, Number(date.slice(5, 7)), Number(date.slice(8, 10))));
    }
  }
}

function isMondayToThursday(dayNumber: number): boolean {
  const weekday = weekdayOf(dayNumber);
  return weekday >= 1 && weekday <= 4;
}

/** Saturday holidays are observed on Friday, Sunday holidays on Monday. */
function observed(dayNumber: number): number {
  const weekday = weekdayOf(dayNumber);
  if (weekday === 6) return dayNumber - 1;
  if (weekday === 0) return dayNumber + 1;
  return dayNumber;
}

/** The n-th given weekday (0 = Sunday) of a month. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const first = daysFromCivil(year, month, 1);
  return first + ((weekday - weekdayOf(first) + 7) % 7) + 7 * (n - 1);
}

function lastWeekday(year: number, month: number, weekday: number): number {
  const last = daysFromCivil(year, month + 1, 1) - 1;
  return last - ((weekdayOf(last) - weekday + 7) % 7);
}

/** Gregorian Easter Sunday (the anonymous "Meeus/Jones/Butcher" algorithm). */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return daysFromCivil(year, month, day);
}
