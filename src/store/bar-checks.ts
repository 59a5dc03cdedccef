import { calendarFor, isIsoDate, type TradingCalendar } from '../calendar/index.ts';
import type { RawBar } from './types.ts';

/**
 * What every source must satisfy before a bar is stored (pure): a real date,
 * not after today's session at the exchange, a session of the exchange where
 * mlx knows its calendar, and prices that make a bar (low ≤ open, close ≤ high).
 */
export interface BarRules {
  /** Today at the exchange, YYYY-MM-DD: later bars cannot have happened yet. */
  today: string;
  /** The exchange calendar bars must be sessions of, from `from` on; null: not checked. */
  sessions: { calendar: TradingCalendar; from: string } | null;
}

export interface BarProblem {
  field: 'date' | 'open' | 'high' | 'low' | 'close';
  reason: string;
}

/**
 * NYSE rules in mlx are exact from 1985 (see calendar/nyse.ts); before that,
 * and on every other exchange (mlx approximates those by weekdays: their
 * holidays are not modelled, and some trade Sunday to Thursday), a bar on an
 * unexpected day is accepted rather than refusing real data.
 */
export const NYSE_EXACT_FROM = '1985-01-01';

export function barRulesFor(exchange: string, today: string): BarRules {
  return {
    today,
    sessions: exchange === 'US' ? { calendar: calendarFor('US'), from: NYSE_EXACT_FROM } : null,
  };
}

/**
 * How far open or close may sit outside [low, high], and high below low: half
 * a cent, or 0.01% of the price where that is more. Sources that round each
 * price separately after adjusting it (to cents, or to 4–6 decimals) can put
 * one a hair outside; a real inconsistency is far larger. The bar is stored as
 * given, never clamped.
 */
export function priceTolerance(price: number): number {
  return Math.max(0.005, Math.abs(price) * 1e-4);
}

/** The first thing wrong with a bar, or null. Dates are checked before prices. */
export function checkBar(bar: RawBar, rules: BarRules): BarProblem | null {
  if (!isIsoDate(bar.date)) {
    return { field: 'date', reason: `"${bar.date}" is not a real YYYY-MM-DD date` };
  }
  if (bar.date > rules.today) {
    return {
      field: 'date',
      reason: `${bar.date} is after today's session (${rules.today} at the exchange)`,
    };
  }
  const sessions = rules.sessions;
  if (sessions && bar.date >= sessions.from && !sessions.calendar.isSession(bar.date)) {
    return {
      field: 'date',
      reason: `${bar.date} is not a ${sessions.calendar.id} session (${weekdayName(bar.date)}${isWeekend(bar.date) ? '' : ', a market holiday'})`,
    };
  }
  const { open, high, low, close } = bar;
  if (high < low - priceTolerance(low)) {
    return { field: 'high', reason: `high ${high} is below low ${low}` };
  }
  for (const [field, value] of [
    ['open', open],
    ['close', close],
  ] as const) {
    if (value > high + priceTolerance(high)) {
      return { field, reason: `${field} ${value} is above high ${high}` };
    }
    if (value < low - priceTolerance(low)) {
      return { field, reason: `${field} ${value} is below low ${low}` };
    }
  }
  return null;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function weekdayName(date: string): string {
  return WEEKDAYS[new Date(`${date}T12:00:00Z`).getUTCDay()];
}

function isWeekend(date: string): boolean {
  const day = new Date(`${date}T12:00:00Z`).getUTCDay();
  return day === 0 || day === 6;
}
