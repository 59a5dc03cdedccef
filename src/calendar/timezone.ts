import { pad2 } from './civil.ts';

/**
 * Wall-clock conversions in an IANA time zone with Intl alone: the offset at
 * an instant is read back from Intl.DateTimeFormat's fields.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter for `timezone`; a RangeError names an unknown zone. */
function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RangeError(`unknown time zone: '${timezone}'`);
    }
    formatters.set(timezone, formatter);
  }
  return formatter;
}

export function assertTimezone(timezone: string): void {
  formatterFor(timezone);
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock fields of an instant in `timezone`. */
export function wallClockAt(epochMs: number, timezone: string): WallClock {
  const clock: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timezone).formatToParts(epochMs)) {
    if (part.type in clock) clock[part.type as keyof WallClock] = Number(part.value);
  }
  return clock;
}

/** Local minus UTC, in milliseconds, at an instant. */
function offsetMsAt(epochMs: number, timezone: string): number {
  const clock = wallClockAt(epochMs, timezone);
  const asUtc = Date.UTC(
    clock.year,
    clock.month - 1,
    clock.day,
    clock.hour,
    clock.minute,
    clock.second,
  );
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** The exchange-local YYYY-MM-DD of an instant. */
export function localDate(instant: Date, timezone: string): string {
  const clock = wallClockAt(instant.getTime(), timezone);
  return `${String(clock.year).padStart(4, '0')}-${pad2(clock.month)}-${pad2(clock.day)}`;
}

/**
 * The instant a local wall-clock time occurs in `timezone`. Two passes settle
 * the offset when the first guess straddles a DST change; a time that does
 * not exist (spring-forward gap) resolves to the later offset.
 */
export function zonedInstant(
  year: number,
  month: number,
  day: number,
  minutesOfDay: number,
  timezone: string,
): Date {
  const wall = Date.UTC(year, month - 1, day, 0, minutesOfDay);
  let instant = wall - offsetMsAt(wall, timezone);
  const corrected = wall - offsetMsAt(instant, timezone);
  if (corrected !== instant) instant = corrected;
  return new Date(instant);
}
