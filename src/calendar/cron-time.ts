import { wallClockAt, zonedInstant } from './timezone.ts';

/**
 * When the US close falls on this machine's clock (pure, given a time zone and
 * a year): cron reads its schedule in local time, which moves against New York
 * with each zone's own daylight-saving dates.
 */

const NEW_YORK = 'America/New_York';
/** The close, 16:00 New York, and the minutes predict waits after it for the day's last prints. */
const CLOSE_MINUTES = 16 * 60;
export const MARGIN_MINUTES = 30;

export interface LocalTime {
  /** Days after the New York session's date (1: the next day here). */
  dayShift: number;
  hour: number;
  minute: number;
}

/** The day (days since 1970 in UTC terms) and minutes of the day of an instant on a zone's clock. */
function wallClock(instant: Date, timeZone: string) {
  const clock = wallClockAt(instant.getTime(), timeZone);
  return {
    day: Date.UTC(clock.year, clock.month - 1, clock.day) / 86_400_000,
    minutes: clock.hour * 60 + clock.minute,
  };
}

/**
 * The local time of the close plus the margin on every weekday of `year`: the
 * earliest and the latest (they differ for the weeks the two zones' clocks
 * change on different dates, or all summer where only New York changes).
 */
export function localCloseRange(
  timeZone: string,
  year: number,
): { earliest: LocalTime; latest: LocalTime } {
  let earliest: LocalTime | null = null;
  let latest: LocalTime | null = null;
  const key = (t: LocalTime) => t.dayShift * 1440 + t.hour * 60 + t.minute;
  const first = Date.UTC(year, 0, 1) / 86_400_000;
  const last = Date.UTC(year, 11, 31) / 86_400_000;
  for (let day = first; day <= last; day++) {
    const weekday = new Date(day * 86_400_000).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const date = new Date(day * 86_400_000);
    const close = zonedInstant(
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      CLOSE_MINUTES + MARGIN_MINUTES,
      NEW_YORK,
    );
    const local = wallClock(close, timeZone);
    const time = {
      dayShift: local.day - day,
      hour: Math.floor(local.minutes / 60),
      minute: local.minutes % 60,
    };
    if (!earliest || key(time) < key(earliest)) earliest = time;
    if (!latest || key(time) > key(latest)) latest = time;
  }
  return { earliest: earliest as LocalTime, latest: latest as LocalTime };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Monday to Friday in New York, as cron's day-of-week field here: 1-5, 2-6 (Tue–Sat), 0-4. */
export function weekdaysField(dayShift: number): { field: string; names: string } {
  const days = [1, 2, 3, 4, 5].map((d) => (((d + dayShift) % 7) + 7) % 7);
  const contiguous = days.every((d, i) => i === 0 || d === days[i - 1] + 1);
  return {
    field: contiguous ? `${days[0]}-${days[4]}` : days.join(','),
    names: contiguous ? `${DAYS[days[0]]}–${DAYS[days[4]]}` : days.map((d) => DAYS[d]).join(', '),
  };
}

export const clock = (t: LocalTime) =>
  `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
