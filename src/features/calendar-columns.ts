import type { Columns } from './matrix.ts';

const WEEK_SIN = Array.from({ length: 7 }, (_, day) => Math.sin((2 * Math.PI * day) / 7));
const WEEK_COS = Array.from({ length: 7 }, (_, day) => Math.cos((2 * Math.PI * day) / 7));
const MONTH_SIN = Array.from({ length: 12 }, (_, month) => Math.sin((2 * Math.PI * month) / 12));
const MONTH_COS = Array.from({ length: 12 }, (_, month) => Math.cos((2 * Math.PI * month) / 12));

/**
 * Day of week (0 = Sunday) and month as points on a circle, so Friday sits
 * nearer Monday than Wednesday does, and December next to January. Read from
 * the YYYY-MM-DD string itself: the trading day is an exchange-local date,
 * and no time zone may move it.
 */
export function calendarColumns(dates: readonly string[]): Columns {
  const n = dates.length;
  const dowSin = new Float64Array(n);
  const dowCos = new Float64Array(n);
  const monthSin = new Float64Array(n);
  const monthCos = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const date = dates[t];
    const year = digits(date, 0, 4);
    const month = digits(date, 5, 2);
    const weekday = dayOfWeek(year, month, digits(date, 8, 2));
    dowSin[t] = WEEK_SIN[weekday];
    dowCos[t] = WEEK_COS[weekday];
    monthSin[t] = MONTH_SIN[month - 1];
    monthCos[t] = MONTH_COS[month - 1];
  }
  return { dow_sin: dowSin, dow_cos: dowCos, month_sin: monthSin, month_cos: monthCos };
}

function digits(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) value = value * 10 + (text.charCodeAt(i) - 48);
  return value;
}

/** 0 = Sunday … 6 = Saturday, proleptic Gregorian (Sakamoto's method). */
export function dayOfWeek(year: number, month: number, day: number): number {
  const offsets = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
  const y = month < 3 ? year - 1 : year;
  return (
    (y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) + offsets[month - 1] + day) %
    7
  );
}
