/**
 * The sessions of one exchange. Dates are exchange-local YYYY-MM-DD strings;
 * a malformed one throws a RangeError.
 */
export interface TradingCalendar {
  /** 'NYSE' or 'weekdays'. */
  readonly id: string;
  /** IANA zone the sessions and closes are reckoned in, e.g. 'America/New_York'. */
  readonly timezone: string;
  isSession(date: string): boolean;
  /** First session strictly after `date`. */
  nextSession(date: string): string;
  /** Last session strictly before `date`. */
  previousSession(date: string): string;
  /**
   * The n-th session after `date` (n ≥ 1), or the |n|-th before it (n ≤ −1);
   * `date` need not be a session.
   */
  addSessions(date: string, n: number): string;
  /** Sessions in [from, to], ascending. */
  sessionsBetween(from: string, to: string): string[];
  /** Number of sessions in (from, to]; 0 when to ≤ from. */
  countSessions(from: string, to: string): number;
  /** The instant the session closes; a RangeError when `date` is no session. */
  sessionClose(date: string): Date;
  /** Whether the session `date` has closed by `now`. */
  hasClosed(date: string, now: Date): boolean;
  /** The latest session whose close is at or before `now`. */
  lastClosedSession(now: Date): string;
}
