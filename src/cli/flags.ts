import { InvalidArgumentError } from 'commander';
import { isIsoDate } from '../calendar/index.ts';
import { SINCE_RULE, sinceDate } from '../calendar/since.ts';
import { HORIZON_RANGE } from '../config.ts';
import { normaliseSymbol, SYMBOL_RULE } from '../exchanges.ts';

/**
 * One parser per kind of flag value, given to commander (`.option(flags,
 * description, parser)` or `Option.argParser`). A bad value throws
 * commander's InvalidArgumentError, so every one is a usage error (exit 2)
 * naming the flag and the value: "option '--seed <n>' argument 'abc' is
 * invalid. expects …". Below src/cli values arrive typed and checked.
 */

/** A calendar date, YYYY-MM-DD. */
export function parseDate(raw: string): string {
  if (!isIsoDate(raw)) throw new InvalidArgumentError('expects a date YYYY-MM-DD.');
  return raw;
}

/** How far back: Nd (days) or a date; kept as given (the command reads it against its clock). */
export function parseDuration(raw: string): string {
  if (sinceDate(raw, new Date(0)) === null)
    throw new InvalidArgumentError(`expects ${SINCE_RULE}.`);
  return raw;
}

/**
 * A whole number in a range, read strictly: "abc", "5x", "1e3" and "" are
 * refused (Number() would say NaN or accept them).
 */
export function wholeNumber(range: {
  min: number;
  max: number;
  unit?: string;
}): (raw: string) => number {
  return (raw) => {
    const value = /^[+-]?\d{1,15}$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(value) || value < range.min || value > range.max)
      throw new InvalidArgumentError(
        `expects a whole number${range.unit ? ` of ${range.unit}` : ''} from ${range.min} to ${range.max}.`,
      );
    return value;
  };
}

/** Basis points of an amount (a trading cost): a decimal from 0 to 10000. */
export function parseBasisPoints(raw: string): number {
  const value = /^\d{1,5}(\.\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isFinite(value) || value > 10_000)
    throw new InvalidArgumentError('expects basis points from 0 to 10000 (e.g. 10).');
  return value;
}

/** A seed: any whole number a 32-bit generator can take. */
export const parseSeed = wholeNumber({ min: -(2 ** 31), max: 2 ** 32 - 1 });

/** The label horizon in trading sessions (the range the config allows). */
/** Threads for work that runs side by side (train's walk-forward). */
export const parseJobs = wholeNumber({ min: 1, max: 256 });
export const parseHorizon = wholeNumber({ ...HORIZON_RANGE, unit: 'trading sessions' });

/** One symbol, trimmed and upper-cased. */
export function parseSymbol(raw: string): string {
  const symbol = normaliseSymbol(raw);
  if (!symbol) throw new InvalidArgumentError(`${SYMBOL_RULE}.`);
  return symbol;
}

/** Comma-separated symbols (empty items skipped); repeating the flag adds to the list. */
export function parseSymbolList(raw: string, previous: string[] = []): string[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return [...previous, ...items.map(parseSymbol)];
}
