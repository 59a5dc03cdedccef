import { UsageError } from '../errors.ts';
import { isIsoDate } from './civil.ts';

/** The furthest `--since Nd` reaches back. */
export const MAX_SINCE_DAYS = 36_500;

/** What a `since` value may be, in words. */
export const SINCE_RULE = `Nd (N days back, 0 to ${MAX_SINCE_DAYS}, e.g. 7d) or a date YYYY-MM-DD`;

/** `7d` / `30d` / a date as the first date included, or null if it is neither. */
export function sinceDate(since: string, now: Date): string | null {
  const days = /^(\d{1,9})d$/.exec(since);
  if (days && Number(days[1]) <= MAX_SINCE_DAYS) {
    const start = new Date(now.getTime() - Number(days[1]) * 86_400_000);
    return start.toISOString().slice(0, 10);
  }
  return isIsoDate(since) ? since : null;
}

/** Resolve `7d` / `30d` / a date to the first date included (a usage error if it is neither). */
export function resolveSince(since: string | undefined, now: Date): string | undefined {
  if (since === undefined) return undefined;
  const date = sinceDate(since, now);
  if (date === null)
    throw new UsageError(`--since expects ${SINCE_RULE}, got "${since.slice(0, 40)}"`);
  return date;
}

/** A window whose start is after its end holds nothing: that is a mistyped flag, not "nothing to do". */
export function assertRange(
  from: { flag: string; date: string | null | undefined },
  to: { flag: string; date: string | null | undefined },
): void {
  if (from.date && to.date && from.date > to.date)
    throw new UsageError(
      `${from.flag} ${from.date} is after ${to.flag} ${to.date}: the range holds nothing`,
      `swap them: ${from.flag} ${to.date} ${to.flag} ${from.date}`,
    );
}
