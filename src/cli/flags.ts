import { InvalidArgumentError, Option } from 'commander';
import { isIsoDate } from '../calendar/index.ts';
import { SINCE_RULE, sinceDate } from '../calendar/since.ts';
import { HORIZON_RANGE } from '../horizon.ts';
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

const MODEL_NAME = /^[A-Za-z0-9_.-]+$/;

/** A model: NAME (its promoted version) or NAME/VERSION (that version). */
export function parseModelRef(raw: string): string {
  const [name, version, ...rest] = raw.split('/');
  if (
    !MODEL_NAME.test(name ?? '') ||
    rest.length > 0 ||
    (version !== undefined && !MODEL_NAME.test(version))
  )
    throw new InvalidArgumentError(
      'expects a model NAME or NAME/VERSION (letters, digits, _ . -).',
    );
  return raw;
}

/** A model reference split: the name, and the version when one was named. */
export function splitModelRef(ref: string): { name: string; version?: string } {
  const [name, version] = ref.split('/');
  return version === undefined ? { name } : { name, version };
}

/** --model NAME or NAME/VERSION as a use case takes it. */
export function modelOptions(ref: string): { modelName: string; modelVersion?: string } {
  const { name, version } = splitModelRef(ref);
  return version === undefined ? { modelName: name } : { modelName: name, modelVersion: version };
}

/**
 * The flags several commands take, each declared once: its spelling, its
 * parser and the form of its value. A command says what the value does
 * there (`flag('asOf', 'predict this past session')`), and the help shows the
 * form after it, in brackets.
 */
const SHARED_FLAGS = {
  asOf: { flags: '--as-of <date>', meaning: 'a session, YYYY-MM-DD', parse: parseDate },
  since: {
    flags: '--since <when>',
    meaning: 'Nd (days before today) or YYYY-MM-DD',
    parse: parseDuration,
  },
  until: { flags: '--until <date>', meaning: 'YYYY-MM-DD', parse: parseDate },
  symbols: {
    flags: '--symbols <list>',
    meaning: 'comma-separated, or repeat the flag',
    parse: parseSymbolList,
  },
  symbol: { flags: '--symbol <symbol>', meaning: 'a symbol, e.g. AAPL', parse: parseSymbol },
  model: {
    flags: '--model <name[/version]>',
    meaning: 'NAME, its promoted version, or NAME/VERSION',
    parse: parseModelRef,
  },
  universe: {
    flags: '--universe <file>',
    meaning: 'one symbol per line',
    parse: undefined,
  },
} as const;

export type SharedFlag = keyof typeof SHARED_FLAGS;

/** A shared flag as a commander option: what it does in this command, then its form. */
export function flag(name: SharedFlag, here: string): Option {
  const spec = SHARED_FLAGS[name];
  const option = new Option(spec.flags, `${here} [${spec.meaning}]`);
  const parse: ((raw: string, previous: unknown) => unknown) | undefined = spec.parse as
    ((raw: string, previous: unknown) => unknown) | undefined;
  return parse ? option.argParser(parse) : option;
}

/**
 * Old spellings kept working, out of the help, so no user's cron line breaks.
 * Each value arrives under its own attribute; the command reads it when the
 * new spelling is absent.
 */
export const OLD_SPELLINGS = {
  /** export --symbol A,B: now --symbols. */
  symbolList: () => hidden(new Option('--symbol <symbols>').argParser(parseSymbolList)),
  /** train --name NAME: now --model. */
  name: () => hidden(new Option('--name <name>').argParser(parseModelRef)),
  /** demo --symbols N (a count): now --count, as data fetch. */
  symbolCount: (parse: (raw: string) => number) =>
    hidden(new Option('--symbols <n>').argParser(parse)),
};

function hidden(option: Option): Option {
  return option.hideHelp();
}
