import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, NetworkError } from '../../src/errors.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { fetchDailyBars } from '../../src/sources/yahoo/daily-bars.ts';
import type { YahooFetchOptions } from '../../src/sources/yahoo/daily-bars.ts';
import type { RawBar } from '../../src/store/types.ts';
import { fakeYahoo, fixture } from '../helpers/yahoo-fake.ts';

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

function bar(bars: RawBar[], date: string): RawBar {
  const found = bars.find((b) => b.date === date);
  assert.ok(found, `no bar on ${date}`);
  return found;
}

function near(actual: number, expected: number, tolerance = 1e-4) {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${actual} is not within ${tolerance} of ${expected}`,
  );
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

describe('fetchDailyBars', () => {
  it('un-adjusts prices and volume across the AAPL 2020-08-31 4:1 split', async () => {
    const yahoo = fakeYahoo({ status: 200, body: fixture('aapl-split-2020.json') });
    const now = new Date('2020-09-05T16:00:00Z');
    const result = await fetchDailyBars('AAPL', {
      from: '2020-08-03',
      now,
      fetchImpl: yahoo.fetchImpl,
    });

    const yahooClose = fixture('aapl-split-2020.json').chart.result[0].indicators.quote[0].close;
    const aug28 = bar(result.bars, '2020-08-28');
    // As traded on 2020-08-28 (AlphaVantage raw): O 504.05 H 505.77 L 498.31 C 499.23 V 46,907,479.
    near(aug28.open, 504.05);
    near(aug28.high, 505.77);
    near(aug28.low, 498.31);
    near(aug28.close, 499.23);
    near(aug28.close / (yahooClose[result.bars.indexOf(aug28)] as number), 4, 1e-12);
    assert.equal(aug28.volume, 46_907_479);
    assert.equal(aug28.split, 1);

    const aug31 = bar(result.bars, '2020-08-31');
    assert.equal(aug31.split, 4);
    near(aug31.close, 129.04);
    assert.equal(aug31.volume, 223_505_733);
    // Yahoo's adjclose is passed through untouched.
    assert.equal(aug31.adjClose, Math.fround(128.624702503));

    // The 2020-08-07 dividend: Yahoo says 0.205 (split-adjusted), paid as 0.82.
    near(bar(result.bars, '2020-08-07').dividend, 0.82, 1e-12);
    assert.equal(result.bars.filter((b) => b.dividend !== 0).length, 1);
    assert.equal(result.bars.filter((b) => b.split !== 1).length, 1);

    assert.equal(result.bars.length, 25);
    assert.equal(result.bars[0].date, '2020-08-03');
    assert.equal(result.bars.at(-1)?.date, '2020-09-04');
    const dates = result.bars.map((b) => b.date);
    assert.deepEqual(dates, [...dates].sort());
    assert.equal(result.droppedOpenSession, null);
    assert.deepEqual(result.skippedEmptyDays, []);
    assert.equal(result.symbol, 'AAPL');
    assert.deepEqual(result.info, {
      symbol: 'AAPL',
      exchange: 'US',
      timezone: 'America/New_York',
      currency: 'USD',
      name: 'Apple Inc.',
      sector: null,
      synthetic: false,
    });

    assert.deepEqual(yahoo.unexpected, []);
    assert.equal(yahoo.requests.length, 1);
    const url = yahoo.requests[0];
    assert.equal(url.pathname, '/v8/finance/chart/AAPL');
    // A day of margin before `from` (UTC midnight), and always up to `now`.
    assert.equal(url.searchParams.get('period1'), String(seconds('2020-08-02T00:00:00Z')));
    assert.equal(url.searchParams.get('period2'), String(seconds('2020-09-05T16:00:00Z')));
    assert.equal(url.searchParams.get('interval'), '1d');
    assert.equal(url.searchParams.get('events'), 'div|split');
  });

  it('asks up to now even when `to` is earlier, so later splits are still undone', async () => {
    const yahoo = fakeYahoo({ status: 200, body: fixture('aapl-split-2020.json') });
    const now = new Date('2020-09-05T16:00:00Z');
    const result = await fetchDailyBars('AAPL', {
      from: '2020-08-24',
      to: '2020-08-28',
      now,
      fetchImpl: yahoo.fetchImpl,
    });
    assert.deepEqual(
      result.bars.map((b) => b.date),
      ['2020-08-24', '2020-08-25', '2020-08-26', '2020-08-27', '2020-08-28'],
    );
    near(bar(result.bars, '2020-08-24').close, 503.43);
    assert.equal(
      yahoo.requests[0].searchParams.get('period2'),
      String(seconds('2020-09-05T16:00:00Z')),
    );
  });

  it('puts a dividend on its ex-date (KO, 2020-11-30, 0.41)', async () => {
    const yahoo = fakeYahoo({ status: 200, body: fixture('ko-dividend-2020.json') });
    const result = await fetchDailyBars('KO', {
      from: '2020-11-16',
      now: new Date('2020-12-12T15:00:00Z'),
      fetchImpl: yahoo.fetchImpl,
    });
    const exDay = bar(result.bars, '2020-11-30');
    near(exDay.dividend, 0.41, 1e-12);
    near(exDay.close, 51.6);
    assert.equal(exDay.volume, 43_203_587);
    assert.deepEqual(
      result.bars.filter((b) => b.dividend !== 0).map((b) => b.date),
      ['2020-11-30'],
    );
    assert.ok(result.bars.every((b) => b.split === 1));
    // Thanksgiving is simply absent; no day is reported empty.
    assert.ok(!result.bars.some((b) => b.date === '2020-11-26'));
    assert.deepEqual(result.skippedEmptyDays, []);
    assert.equal(result.info.exchange, 'US');
    assert.equal(result.info.name, 'The Coca-Cola Company');
  });

  it('skips a day Yahoo lists with null prices instead of storing zeros', async () => {
    const body = fixture('ko-dividend-2020.json');
    const chart = body.chart.result[0];
    const i = chart.timestamp.indexOf(seconds('2020-12-03T14:30:00Z'));
    assert.ok(i > 0);
    for (const series of Object.values(chart.indicators.quote[0])) series[i] = null;
    chart.indicators.adjclose[0].adjclose[i] = null;
    const yahoo = fakeYahoo({ status: 200, body });

    const result = await fetchDailyBars('KO', {
      from: '2020-11-16',
      now: new Date('2020-12-12T15:00:00Z'),
      fetchImpl: yahoo.fetchImpl,
    });
    assert.deepEqual(result.skippedEmptyDays, ['2020-12-03']);
    assert.ok(!result.bars.some((b) => b.date === '2020-12-03'));
    assert.equal(result.bars.length, chart.timestamp.length - 1);
    assert.ok(result.bars.every((b) => b.open > 0 && b.high > 0 && b.low > 0 && b.close > 0));
  });

  it('moves a dividend dated on an empty day to the next bar, with a warning', async () => {
    const body = fixture('ko-dividend-2020.json');
    const chart = body.chart.result[0];
    const i = chart.timestamp.indexOf(seconds('2020-11-30T14:30:00Z'));
    for (const series of Object.values(chart.indicators.quote[0])) series[i] = null;
    const log = createMemoryLogger();
    const result = await fetchDailyBars('KO', {
      from: '2020-11-16',
      now: new Date('2020-12-12T15:00:00Z'),
      fetchImpl: fakeYahoo({ status: 200, body }).fetchImpl,
      log,
    });
    assert.deepEqual(result.skippedEmptyDays, ['2020-11-30']);
    near(bar(result.bars, '2020-12-01').dividend, 0.41, 1e-12);
    assert.ok(log.lines.some((l) => l.includes('warning: KO') && l.includes('2020-12-01')));
  });

  it('drops the last bar while its session is still open (14:00 New York)', async () => {
    const yahoo = fakeYahoo({ status: 200, body: fixture('aapl-live-session-2021-04-21.json') });
    const result = await fetchDailyBars('AAPL', {
      from: '2021-04-14',
      now: new Date('2021-04-21T18:00:00Z'),
      fetchImpl: yahoo.fetchImpl,
    });
    assert.equal(result.droppedOpenSession, '2021-04-21');
    assert.equal(result.bars.at(-1)?.date, '2021-04-20');
    assert.equal(result.bars.length, 5);
  });

  it('keeps that bar once the session has closed', async () => {
    const yahoo = fakeYahoo({ status: 200, body: fixture('aapl-live-session-2021-04-21.json') });
    const result = await fetchDailyBars('AAPL', {
      from: '2021-04-14',
      now: new Date('2021-04-21T20:30:00Z'),
      fetchImpl: yahoo.fetchImpl,
    });
    assert.equal(result.droppedOpenSession, null);
    assert.equal(result.bars.at(-1)?.date, '2021-04-21');
  });

  it('turns an unknown symbol into a DataError with a hint, without retrying', async () => {
    const yahoo = fakeYahoo({ status: 404, body: fixture('not-found.json') });
    const { waits, sleep } = recordingSleep();
    await assert.rejects(
      fetchDailyBars('NOSUCHTICKER', {
        from: '2021-01-04',
        now: new Date('2021-04-21T22:00:00Z'),
        fetchImpl: yahoo.fetchImpl,
        sleep,
      }),
      (err: unknown) => {
        assert.ok(err instanceof DataError);
        assert.match(err.message, /NOSUCHTICKER/);
        assert.match(err.message, /No data found/);
        assert.match(err.hint ?? '', /ticker/);
        assert.match(err.hint ?? '', /\.NS/);
        return true;
      },
    );
    assert.equal(yahoo.requests.length, 1);
    assert.deepEqual(waits, []);
  });

  it('backs off and retries after HTTP 429', async () => {
    const yahoo = fakeYahoo(
      { status: 429, body: 'Too Many Requests\r\n' },
      { status: 200, body: fixture('aapl-split-2020.json') },
    );
    const { waits, sleep } = recordingSleep();
    const log = createMemoryLogger();
    const result = await fetchDailyBars('AAPL', {
      from: '2020-08-03',
      now: new Date('2020-09-05T16:00:00Z'),
      fetchImpl: yahoo.fetchImpl,
      backoffMs: 250,
      sleep,
      log,
    });
    assert.equal(result.bars.length, 25);
    assert.deepEqual(waits, [250]);
    assert.equal(yahoo.requests.length, 2);
    assert.ok(log.lines.some((l) => l.startsWith('warning: AAPL') && l.includes('429')));
  });

  it('gives up on repeated 503s with a retryable NetworkError, doubling the wait', async () => {
    const unavailable = { status: 503, body: '<html><body>Service Unavailable</body></html>' };
    const yahoo = fakeYahoo(unavailable, unavailable, unavailable);
    const { waits, sleep } = recordingSleep();
    await assert.rejects(
      fetchDailyBars('AAPL', {
        from: '2020-08-03',
        now: new Date('2020-09-05T16:00:00Z'),
        fetchImpl: yahoo.fetchImpl,
        retries: 2,
        backoffMs: 100,
        sleep,
      }),
      (err: unknown) => {
        assert.ok(err instanceof NetworkError);
        assert.equal(err.retryable, true);
        assert.match(err.message, /AAPL/);
        assert.match(err.message, /HTTP 503/);
        return true;
      },
    );
    assert.deepEqual(waits, [100, 200]);
    assert.equal(yahoo.requests.length, 3);
  });

  it('does not retry other 4xx answers', async () => {
    const yahoo = fakeYahoo({ status: 403, body: 'Forbidden' });
    const { waits, sleep } = recordingSleep();
    await assert.rejects(
      fetchDailyBars('AAPL', {
        from: '2020-08-03',
        now: new Date('2020-09-05T16:00:00Z'),
        fetchImpl: yahoo.fetchImpl,
        sleep,
      }),
      (err: unknown) =>
        err instanceof NetworkError && !err.retryable && /HTTP 403/.test(err.message),
    );
    assert.deepEqual(waits, []);
    assert.equal(yahoo.requests.length, 1);
  });

  it('retries network errors and timeouts', async () => {
    const yahoo = fakeYahoo(
      new TypeError('fetch failed', { cause: new Error('ECONNRESET') }),
      'hang',
      { status: 200, body: fixture('aapl-split-2020.json') },
    );
    const { waits, sleep } = recordingSleep();
    const log = createMemoryLogger();
    const result = await fetchDailyBars('AAPL', {
      from: '2020-08-03',
      now: new Date('2020-09-05T16:00:00Z'),
      fetchImpl: yahoo.fetchImpl,
      timeoutMs: 20,
      sleep,
      log,
    });
    assert.equal(result.bars.length, 25);
    assert.deepEqual(waits, [1000, 2000]);
    assert.ok(log.lines.some((l) => l.includes('ECONNRESET')));
    assert.ok(log.lines.some((l) => l.includes('no answer within')));
  });

  it('keeps yahoo-finance2 off the console', async () => {
    const methods = ['log', 'info', 'warn', 'error', 'dir', 'debug'] as const;
    const original = methods.map((m) => console[m]);
    const written: string[] = [];
    for (const m of methods)
      console[m] = (...args: unknown[]) => void written.push(`${m}: ${args.join(' ')}`);
    try {
      const yahoo = fakeYahoo(
        { status: 500, body: 'Internal Server Error' },
        { status: 200, body: fixture('aapl-split-2020.json') },
        { status: 404, body: fixture('not-found.json') },
      );
      const options: YahooFetchOptions = {
        from: '2020-08-03',
        now: new Date('2020-09-05T16:00:00Z'),
        fetchImpl: yahoo.fetchImpl,
        sleep: async () => {},
      };
      await fetchDailyBars('AAPL', options);
      await assert.rejects(fetchDailyBars('NOSUCHTICKER', options), DataError);
    } finally {
      methods.forEach((m, i) => (console[m] = original[i] as never));
    }
    assert.deepEqual(written, []);
  });
});
