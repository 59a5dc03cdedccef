import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calendarFor } from '../../src/calendar/index.ts';
import { UsageError } from '../../src/errors.ts';
import {
  asOfProblem,
  assertSomeBarOn,
  missingBarReason,
  NoBarsOnSessionError,
  onSessionCalendars,
} from '../../src/prediction/as-of.ts';

const nyse = calendarFor('US');
// Wednesday 2021-04-21, 18:00 in New York: that day's session has closed.
const evening = new Date('2021-04-21T22:00:00Z');
// Thursday 2021-04-22, 11:00 in New York: the session is trading.
const morning = new Date('2021-04-22T15:00:00Z');

describe('predict --as-of: the session asked for, or a refusal', () => {
  it('a closed session is predicted as itself', () => {
    assert.equal(asOfProblem('2021-04-21', nyse, evening), null);
    assert.equal(asOfProblem('2020-03-02', nyse, evening), null);
  });

  it('a weekend or a holiday is refused naming the sessions around it', () => {
    assert.equal(
      asOfProblem('2021-04-18', nyse, evening),
      '2021-04-18 is not a trading session on the NYSE calendar (a weekend or a market holiday): the session before it is 2021-04-16, the one after 2021-04-19',
    );
    assert.match(
      asOfProblem('2020-07-03', nyse, evening) ?? '',
      /before it is 2020-07-02, the one after 2020-07-06$/,
    );
  });

  it('a date to come is in the future; today before the close has not closed yet', () => {
    assert.equal(
      asOfProblem('2031-01-06', nyse, evening),
      '2031-01-06 is in the future: today is 2021-04-21 on the NYSE calendar, its last closed session 2021-04-21',
    );
    assert.equal(
      asOfProblem('2021-04-22', nyse, morning),
      '2021-04-22 has not closed yet: the last closed session on the NYSE calendar is 2021-04-21',
    );
    assert.match(asOfProblem('2021-04-23', nyse, morning) ?? '', /is in the future/);
  });

  it('refused for every symbol: one usage error; for some: those symbols fail, named', () => {
    const store = {
      symbolInfo: (symbol: string) =>
        symbol === 'TCS.NS'
          ? { exchange: 'NS', timezone: 'Asia/Kolkata' }
          : { exchange: 'US', timezone: 'America/New_York' },
    } as unknown as Parameters<typeof onSessionCalendars>[0];
    const failures: { symbol: string; reason: string }[] = [];
    assert.throws(
      () => onSessionCalendars(store, ['AAPL', 'MSFT'], '2021-04-18', evening, failures),
      (err) =>
        err instanceof UsageError && /^--as-of 2021-04-18 is not a trading/.test(err.message),
    );
    // Good Friday: NYSE is closed, the weekday calendar of other exchanges is not.
    const mixed = onSessionCalendars(store, ['AAPL', 'TCS.NS'], '2021-04-02', evening, failures);
    assert.deepEqual(mixed, ['TCS.NS']);
    assert.deepEqual(
      failures.map((f) => f.symbol),
      ['AAPL'],
    );
    assert.match(failures[0].reason, /2021-04-02 is not a trading session on the NYSE calendar/);
  });

  it('no symbol with a bar on the session: exit 2 naming the newest bar', () => {
    const bars = new Map([
      ['AAPL', ['2021-04-20', '2021-04-21']],
      ['MSFT', ['2021-04-19']],
    ]);
    const store = {
      bars: (symbol: string, range: { from: string; until: string }) =>
        (bars.get(symbol) ?? [])
          .filter((d) => d >= range.from && d <= range.until)
          .map((date) => ({ date })),
      symbolSummary: (symbol: string) => ({ last: (bars.get(symbol) ?? []).at(-1) }),
    } as unknown as Parameters<typeof assertSomeBarOn>[0];
    assert.doesNotThrow(() => assertSomeBarOn(store, ['AAPL', 'MSFT'], '2021-04-21'));
    assert.throws(
      () => assertSomeBarOn(store, ['AAPL', 'MSFT'], '2021-04-22'),
      (err) =>
        err instanceof NoBarsOnSessionError &&
        err.exitCode === 2 &&
        /no bars for 2021-04-22 .*the newest stored bar is of 2021-04-21; nothing was recorded/.test(
          err.message,
        ),
    );
  });

  it("a symbol without the session's bar is named with the bars around the gap", () => {
    assert.equal(
      missingBarReason('VIAC', '2008-02-05', '2008-02-04', '2008-02-06'),
      'no bar for 2008-02-05: the session is missing from its data (bars 2008-02-04, then 2008-02-06); refresh with mlx data fetch VIAC, or mlx data import FILE',
    );
    assert.equal(
      missingBarReason('AAPL', '2021-04-22', '2021-04-21', null),
      'no bar for 2021-04-22: its last bar is 2021-04-21; refresh with mlx data fetch AAPL, or mlx data import FILE',
    );
    assert.equal(
      missingBarReason('TSLA', '2009-01-02', null, '2010-06-29'),
      'no bar for 2009-01-02: its data starts 2010-06-29',
    );
  });
});
