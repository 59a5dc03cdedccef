/**
 * The network layer handed to yahoo-finance2 (its `fetch` option). It wraps
 * the real (or a test's fake) fetch to add a timeout, remember the last HTTP
 * status so failures can be classified, and fail non-2xx answers itself:
 * yahoo-finance2 writes the URL of a failed request to the console with
 * `console.error`, which mlx must not let through.
 */

/** A non-2xx answer other than Yahoo's JSON error envelope (429, 5xx pages, …). */
export class YahooHttpError extends Error {
  readonly status: number;
  constructor(status: number, statusText: string) {
    super(`HTTP ${status}${statusText ? ` ${statusText}` : ''}`);
    this.name = 'YahooHttpError';
    this.status = status;
  }
}

/** The request never got an answer: DNS, connection reset, timeout. */
export class YahooTransportError extends Error {
  readonly timedOut: boolean;
  constructor(message: string, timedOut: boolean, cause: unknown) {
    super(message, { cause });
    this.name = 'YahooTransportError';
    this.timedOut = timedOut;
  }
}

export interface Transport {
  fetch: typeof fetch;
  /** Status of the last answer, null when the last request got none. */
  lastStatus(): number | null;
}

export function createTransport(fetchImpl: typeof fetch, timeoutMs: number): Transport {
  let lastStatus: number | null = null;
  const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    lastStatus = null;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetchImpl(input, { ...init, signal });
    } catch (err) {
      const timedOut = timeout.aborted || (err instanceof Error && err.name === 'TimeoutError');
      const reason = timedOut
        ? `gave no answer within ${timeoutMs / 1000}s`
        : `could not be reached: ${describe(err)}`;
      throw new YahooTransportError(reason, timedOut, err);
    }
    lastStatus = response.status;
    if (response.ok) return response;
    const body = await response.text().catch(() => '');
    if (isYahooErrorEnvelope(body)) {
      // yahoo-finance2 turns the envelope into its own error before it would log.
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    }
    throw new YahooHttpError(response.status, response.statusText);
  };
  return { fetch: wrapped, lastStatus: () => lastStatus };
}

/** `{"chart":{"result":null,"error":{"code":…,"description":…}}}` and its kin. */
function isYahooErrorEnvelope(body: string): boolean {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return false;
    const values = Object.values(parsed);
    if (values.length !== 1) return false;
    const error: unknown = (values[0] as { error?: unknown } | null)?.error;
    return typeof error === 'object' && error !== null && 'code' in error;
  } catch {
    return false;
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
  return `${err.message}${cause}`;
}
