import type { ChartResultObject } from 'yahoo-finance2/modules/chart';
import { DataError, NetworkError, UsageError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { RawBar, SymbolInfo } from '../../store/types.ts';
import { chartToBars, exchangeDateFormatter } from './bars.ts';
import { YahooHttpError, YahooTransportError, createTransport } from './transport.ts';

export interface YahooFetchOptions {
  /** First exchange-local day wanted, YYYY-MM-DD, inclusive. */
  from: string;
  /** Last exchange-local day wanted, inclusive; default: today at the exchange. */
  to?: string;
  now: Date;
  /** The network layer; default: the global fetch. */
  fetchImpl?: typeof fetch;
  /** Retries after the first attempt for 429, 5xx, timeouts and network errors; default 4. */
  retries?: number;
  /** Wait before the first retry, doubled before each next one; default 1000. */
  backoffMs?: number;
  /** Per-request timeout; default 30000. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  log?: Logger;
}

export interface FetchedBars {
  symbol: string;
  info: SymbolInfo;
  /** Ascending by date, prices as traded (see chartToBars). */
  bars: RawBar[];
  /** Date of a last bar left out because its session had not closed at `now`. */
  droppedOpenSession: string | null;
  /** Days Yahoo listed without prices. */
  skippedEmptyDays: string[];
}

const DAY_SECONDS = 86_400;

/** Daily bars of one symbol from Yahoo Finance's chart API, through yahoo-finance2. */
export async function fetchDailyBars(
  symbol: string,
  options: YahooFetchOptions,
): Promise<FetchedBars> {
  const from = parseDay(options.from, 'from');
  const givenTo = options.to === undefined ? undefined : parseDay(options.to, 'to');
  if (givenTo !== undefined && givenTo < from) {
    throw new UsageError(`to (${givenTo}) is before from (${from})`);
  }
  const log = options.log ?? silentLogger;
  const chart = await chartWithRetries(symbol, chartQuery(from, options.now), options, log);
  const to = givenTo ?? exchangeDateFormatter(chart.meta.exchangeTimezoneName, symbol)(options.now);
  return chartToBars(chart, { from, to, now: options.now, log });
}

/**
 * The request always ends at `now`, whatever `to` is: Yahoo's prices are
 * adjusted for every split up to today, and only the split events inside the
 * requested period come back to undo that. It starts a day before `from`
 * (UTC midnight) because exchanges east of UTC open on the previous UTC day,
 * and at least a week before `now`, so a symbol that is up to date still
 * gets an answer with its metadata.
 */
function chartQuery(from: string, now: Date) {
  const period2 = Math.floor(now.getTime() / 1000);
  const fromSeconds = Date.parse(`${from}T00:00:00Z`) / 1000;
  const period1 = Math.min(fromSeconds - DAY_SECONDS, period2 - 7 * DAY_SECONDS);
  return {
    period1,
    period2,
    interval: '1d',
    events: 'div|split',
    includePrePost: false,
    return: 'object',
  } as const;
}

async function chartWithRetries(
  symbol: string,
  query: ReturnType<typeof chartQuery>,
  options: YahooFetchOptions,
  log: Logger,
): Promise<ChartResultObject> {
  const retries = options.retries ?? 4;
  const backoffMs = options.backoffMs ?? 1000;
  const sleep = options.sleep ?? delay;
  const transport = createTransport(
    options.fetchImpl ?? globalThis.fetch,
    options.timeoutMs ?? 30_000,
  );
  // Loaded here, not at the top: only a real fetch needs it, and it takes a while to load.
  const { default: YahooFinance } = await import('yahoo-finance2');
  const yahoo = new YahooFinance({
    fetch: transport.fetch,
    logger: libraryLogger(log),
    suppressNotices: ['yahooSurvey'],
    // On a validation failure the library would otherwise ask the npm registry for its latest version.
    versionCheck: false,
    validation: { logErrors: false, logOptionsErrors: false },
  });

  for (let attempt = 0; ; attempt++) {
    try {
      return await yahoo.chart(symbol, query);
    } catch (err) {
      const failure = classify(err, transport.lastStatus());
      if (failure.kind === 'retryable' && attempt < retries) {
        const waitMs = backoffMs * 2 ** attempt;
        log.warn(
          `${symbol}: Yahoo Finance ${failure.detail}; retry ${attempt + 1} of ${retries} in ${waitMs / 1000}s`,
        );
        await sleep(waitMs);
        continue;
      }
      throw toMlxError(symbol, failure, attempt + 1, err);
    }
  }
}

type Failure =
  | { kind: 'retryable'; detail: string }
  | { kind: 'not-found'; detail: string }
  | { kind: 'failed'; detail: string }
  | { kind: 'invalid'; detail: string }
  | { kind: 'ours' };

/**
 * yahoo-finance2 raises a plain Error carrying Yahoo's description for the
 * JSON error envelope (a 404 "No data found, symbol may be delisted" for an
 * unknown symbol), so its errors are classified by the HTTP status the
 * transport saw.
 */
function classify(err: unknown, status: number | null): Failure {
  if (err instanceof YahooTransportError) return { kind: 'retryable', detail: err.message };
  if (err instanceof YahooHttpError) return byStatus(err.status, `answered ${err.message}`);
  if (!(err instanceof Error) || err.name === 'InvalidOptionsError') return { kind: 'ours' };
  if (err.name === 'FailedYahooValidationError') {
    return { kind: 'invalid', detail: validationDetail(err) };
  }
  // No answer was seen: the library failed before asking.
  if (status === null) return { kind: 'ours' };
  if (status === 404) return { kind: 'not-found', detail: err.message };
  return byStatus(status, `answered HTTP ${status}: ${err.message}`);
}

function byStatus(status: number, detail: string): Failure {
  if (status === 429 || status >= 500) return { kind: 'retryable', detail };
  if (status === 404) return { kind: 'not-found', detail };
  return { kind: 'failed', detail };
}

function toMlxError(symbol: string, failure: Failure, attempts: number, err: unknown): Error {
  switch (failure.kind) {
    case 'not-found':
      return new DataError(
        `Yahoo Finance has no data for symbol ${symbol} (${failure.detail})`,
        "Check the ticker. Listings outside the US need Yahoo's suffix, e.g. TCS.NS (NSE India), VOD.L (London), SHOP.TO (Toronto).",
      );
    case 'retryable':
      return new NetworkError(
        `Yahoo Finance request for ${symbol} failed after ${attempts} attempt${attempts === 1 ? '' : 's'} (last: ${failure.detail})`,
        true,
        'Yahoo may be rate-limiting or unavailable; try again later.',
      );
    case 'failed':
      return new NetworkError(
        `Yahoo Finance request for ${symbol} failed: ${failure.detail}`,
        false,
      );
    case 'invalid':
      return new DataError(
        `Yahoo Finance's answer for ${symbol} is not in the expected shape: ${failure.detail}`,
        'Yahoo may have changed its API; a newer yahoo-finance2 may handle it.',
      );
    case 'ours':
      return err instanceof Error ? err : new Error(String(err));
  }
}

function validationDetail(err: Error): string {
  const errors = (err as Error & { errors?: { instancePath?: string; message?: string }[] }).errors;
  const first = errors?.[0];
  return first ? `${first.instancePath || '/'} ${first.message ?? ''}`.trim() : err.message;
}

function parseDay(value: string, name: string): string {
  const valid =
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
  if (!valid) throw new UsageError(`${name} must be a date YYYY-MM-DD, got "${value}"`);
  return value;
}

/** yahoo-finance2 logs notices and warnings (e.g. "Node >= 22 required"): keep them for --verbose. */
function libraryLogger(log: Logger) {
  const debug = (...args: unknown[]) =>
    log.debug(
      `yahoo-finance2: ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`,
    );
  return { info: debug, warn: debug, error: debug, debug, dir: debug };
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const silentLogger: Logger = {
  level: 'quiet',
  interactive: false,
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
};
