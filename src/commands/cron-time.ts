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

/** Wall-clock fields of an instant in a zone. */
function wallClock(instant: number, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, Number(p.value)]),
  );
  return {
    day: Date.UTC(parts.year, parts.month - 1, parts.day) / 86_400_000,
    minutes: parts.hour * 60 + parts.minute,
  };
}

/** The instant a New York wall-clock time happens on a date (days since 1970 in UTC terms). */
function newYorkInstant(day: number, minutes: number): number {
  const guess = day * 86_400_000 + minutes * 60_000;
  let instant = guess;
  // Twice: the offset at the guess, then at the corrected instant (a DST change in between).
  for (let i = 0; i < 2; i++) {
    const seen = wallClock(instant, NEW_YORK);
    instant += guess - (seen.day * 86_400_000 + seen.minutes * 60_000);
  }
  return instant;
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
    const local = wallClock(newYorkInstant(day, CLOSE_MINUTES + MARGIN_MINUTES), timeZone);
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
