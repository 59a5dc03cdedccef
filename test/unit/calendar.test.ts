import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { calendarFor, isIsoDate, localDate } from '../../src/calendar/index.ts';
import { easterSunday } from '../../src/calendar/nyse.ts';
import { formatDayNumber } from '../../src/calendar/civil.ts';
import { skipWithoutSp500, sp500Dir } from '../helpers/shared-data.ts';

const nyse = calendarFor('US');

describe('NYSE sessions', () => {
  it('closes on the standard holidays, observed as NYSE observes them', () => {
    const closed = [
      '2021-01-01', // New Year's Day
      '2017-01-02', // New Year's Day on a Sunday, observed Monday
      '2021-01-18', // Martin Luther King Jr. Day
      '1998-01-19', // its first year
      '2021-02-15', // Washington's Birthday
      '2021-04-02', // Good Friday
      '2000-04-21', // Good Friday
      '2021-05-31', // Memorial Day
      '2022-06-20', // Juneteenth on a Sunday, observed Monday
      '2020-07-03', // Independence Day on a Saturday, observed Friday
      '2021-07-05', // Independence Day on a Sunday, observed Monday
      '2021-09-06', // Labor Day
      '2020-11-26', // Thanksgiving
      '2021-11-25', // Thanksgiving
      '2021-12-24', // Christmas on a Saturday, observed Friday
      '2022-12-26', // Christmas on a Sunday, observed Monday
    ];
    for (const date of closed) assert.equal(nyse.isSession(date), false, date);
  });

  it('stays open where a rule does not apply', () => {
    const open = [
      '2021-06-18', // Juneteenth only from 2022
      '2021-12-31', // New Year's Day 2022 is a Saturday: not observed
      '2010-12-31', // New Year's Day 2011 likewise
      '1997-01-20', // MLK day before 1998
      '2021-11-26', // day after Thanksgiving (an early close)
      '2021-04-05', // Easter Monday
      '2001-09-17', // reopening after September 11
    ];
    for (const date of open) assert.equal(nyse.isSession(date), true, date);
  });

  it('closes on the special closures', () => {
    for (const date of [
      '2001-09-11',
      '2001-09-12',
      '2001-09-13',
      '2001-09-14',
      '2004-06-11',
      '2007-01-02',
      '2012-10-29',
      '2012-10-30',
      '2018-12-05',
      '2025-01-09',
    ]) {
      assert.equal(nyse.isSession(date), false, date);
    }
  });

  it('never trades on weekends', () => {
    assert.equal(nyse.isSession('2021-04-17'), false);
    assert.equal(nyse.isSession('2021-04-18'), false);
  });

  it('computes Easter Sunday', () => {
    assert.equal(formatDayNumber(easterSunday(2021)), '2021-04-04');
    assert.equal(formatDayNumber(easterSunday(2000)), '2000-04-23');
    assert.equal(formatDayNumber(easterSunday(2019)), '2019-04-21');
    assert.equal(formatDayNumber(easterSunday(2038)), '2038-04-25');
  });

  it('rejects malformed dates', () => {
    assert.throws(() => nyse.isSession('2021-02-30'), RangeError);
    assert.throws(() => nyse.isSession('20210401'), RangeError);
    assert.equal(isIsoDate('2020-02-29'), true);
    assert.equal(isIsoDate('2021-02-29'), false);
  });
});

describe('NYSE session arithmetic', () => {
  it('steps over holiday weekends', () => {
    assert.equal(nyse.nextSession('2021-04-01'), '2021-04-05');
    assert.equal(nyse.previousSession('2021-04-05'), '2021-04-01');
    assert.equal(nyse.addSessions('2021-04-01', 1), '2021-04-05');
    assert.equal(nyse.addSessions('2021-05-28', 1), '2021-06-01');
    assert.equal(nyse.addSessions('2021-05-29', 1), '2021-06-01');
    assert.equal(nyse.addSessions('2021-05-28', 5), '2021-06-07');
    assert.equal(nyse.addSessions('2020-12-30', 2), '2021-01-04');
    assert.equal(nyse.addSessions('2021-06-07', -5), '2021-05-28');
  });

  it('agrees with sessionsBetween over many years', () => {
    const sessions = nyse.sessionsBetween('2015-01-01', '2024-12-31');
    assert.equal(sessions[0], '2015-01-02');
    assert.equal(sessions.at(-1), '2024-12-31');
    for (const n of [1, 2, 5, 252, 1000, sessions.length - 1]) {
      assert.equal(nyse.addSessions(sessions[0], n), sessions[n], `n = ${n}`);
      assert.equal(nyse.addSessions(sessions[n], -n), sessions[0], `n = -${n}`);
    }
    assert.equal(nyse.countSessions('2015-01-01', '2024-12-31'), sessions.length);
    assert.equal(nyse.countSessions('2015-01-02', '2024-12-31'), sessions.length - 1);
    for (let i = 0; i + 1 < sessions.length; i += 97) {
      assert.equal(nyse.nextSession(sessions[i]), sessions[i + 1]);
      assert.equal(nyse.previousSession(sessions[i + 1]), sessions[i]);
    }
  });

  it('counts sessions in (from, to]', () => {
    assert.equal(nyse.countSessions('2021-04-01', '2021-04-09'), 5);
    assert.equal(nyse.countSessions('2021-04-02', '2021-04-09'), 5);
    assert.equal(nyse.countSessions('2021-04-09', '2021-04-09'), 0);
    assert.equal(nyse.countSessions('2021-04-09', '2021-04-01'), 0);
    assert.deepEqual(nyse.sessionsBetween('2021-04-01', '2021-04-06'), [
      '2021-04-01',
      '2021-04-05',
      '2021-04-06',
    ]);
    assert.deepEqual(nyse.sessionsBetween('2021-04-03', '2021-04-04'), []);
  });
});

describe('NYSE closes', () => {
  const newYork = (local: string, offset: '-04:00' | '-05:00') => new Date(`${local}${offset}`);

  it('closes at 16:00 New York time in summer and winter', () => {
    assert.equal(nyse.sessionClose('2021-07-15').toISOString(), '2021-07-15T20:00:00.000Z');
    assert.equal(nyse.sessionClose('2021-01-15').toISOString(), '2021-01-15T21:00:00.000Z');
    // DST began on 2021-03-14: the Monday after closes at 20:00 UTC.
    assert.equal(nyse.sessionClose('2021-03-15').toISOString(), '2021-03-15T20:00:00.000Z');
  });

  it('tells 15:59 from 16:00 on a DST and a standard-time date', () => {
    assert.equal(nyse.hasClosed('2021-07-15', newYork('2021-07-15T15:59:59', '-04:00')), false);
    assert.equal(nyse.hasClosed('2021-07-15', newYork('2021-07-15T16:00:00', '-04:00')), true);
    assert.equal(nyse.hasClosed('2021-01-15', newYork('2021-01-15T15:59:00', '-05:00')), false);
    assert.equal(nyse.hasClosed('2021-01-15', newYork('2021-01-15T16:00:00', '-05:00')), true);
  });

  it('closes at 13:00 on early-close days', () => {
    const dayAfterThanksgiving = '2021-11-26';
    assert.equal(
      nyse.hasClosed(dayAfterThanksgiving, newYork('2021-11-26T12:59', '-05:00')),
      false,
    );
    assert.equal(nyse.hasClosed(dayAfterThanksgiving, newYork('2021-11-26T13:00', '-05:00')), true);
    const earlyCloses: Record<string, string> = {
      '2019-07-03': '2019-07-03T17:00:00.000Z', // Wednesday before July 4, from 2013
      '2018-07-03': '2018-07-03T17:00:00.000Z',
      '2002-07-05': '2002-07-05T17:00:00.000Z', // Friday after July 4, before 2013
      '2019-12-24': '2019-12-24T18:00:00.000Z',
      '2020-11-27': '2020-11-27T18:00:00.000Z',
      '2003-12-26': '2003-12-26T18:00:00.000Z',
    };
    for (const [date, close] of Object.entries(earlyCloses)) {
      assert.equal(nyse.sessionClose(date).toISOString(), close, date);
    }
    const fullDays: Record<string, string> = {
      '2013-07-05': '2013-07-05T20:00:00.000Z',
      '2020-07-02': '2020-07-02T20:00:00.000Z',
      '2021-12-23': '2021-12-23T21:00:00.000Z',
      '2021-12-31': '2021-12-31T21:00:00.000Z',
    };
    for (const [date, close] of Object.entries(fullDays)) {
      assert.equal(nyse.sessionClose(date).toISOString(), close, date);
    }
  });

  it('refuses the close of a day without a session', () => {
    assert.throws(() => nyse.sessionClose('2021-04-02'), RangeError);
  });

  it('finds the last closed session', () => {
    const saturday = newYork('2021-04-17T11:00', '-04:00');
    assert.equal(nyse.lastClosedSession(saturday), '2021-04-16');
    assert.equal(nyse.lastClosedSession(newYork('2021-04-19T15:59', '-04:00')), '2021-04-16');
    assert.equal(nyse.lastClosedSession(newYork('2021-04-19T16:00', '-04:00')), '2021-04-19');
    assert.equal(nyse.lastClosedSession(newYork('2021-04-02T18:00', '-04:00')), '2021-04-01');
    // 22:30 in London on a Friday is still Friday in New York, after the close.
    assert.equal(nyse.lastClosedSession(new Date('2021-01-15T22:30:00Z')), '2021-01-15');
    // 03:00 UTC Saturday is Friday evening in New York.
    assert.equal(nyse.lastClosedSession(new Date('2021-01-16T03:00:00Z')), '2021-01-15');
  });
});

describe('weekday calendars and local dates', () => {
  it('trades every weekday in its own time zone', () => {
    const india = calendarFor('NSE', 'Asia/Kolkata');
    assert.equal(india.id, 'weekdays');
    assert.equal(india.timezone, 'Asia/Kolkata');
    assert.equal(india.isSession('2021-01-01'), true);
    assert.equal(india.isSession('2021-04-02'), true);
    assert.equal(india.isSession('2021-01-02'), false);
    assert.equal(india.addSessions('2021-01-01', 1), '2021-01-04');
    assert.equal(india.sessionClose('2021-01-01').toISOString(), '2021-01-01T10:30:00.000Z');
    assert.equal(india.lastClosedSession(new Date('2021-01-04T10:00:00Z')), '2021-01-01');
    assert.equal(calendarFor('LSE').timezone, 'UTC');
  });

  it('reads the exchange-local date of an instant', () => {
    const instant = new Date('2021-01-01T20:00:00Z');
    assert.equal(localDate(instant, 'Asia/Kolkata'), '2021-01-02');
    assert.equal(localDate(instant, 'America/New_York'), '2021-01-01');
    assert.equal(localDate(new Date('2021-01-02T04:59:00Z'), 'America/New_York'), '2021-01-01');
    assert.equal(localDate(new Date('2021-01-02T05:00:00Z'), 'America/New_York'), '2021-01-02');
  });

  it('rejects an unknown time zone', () => {
    assert.throws(() => calendarFor('XX', 'Mars/Olympus_Mons'), RangeError);
  });
});

describe('NYSE against real data', () => {
  it(
    'matches the trading days of AAPL 1999-11-01..2021-04-21 exactly',
    { skip: skipWithoutSp500 },
    () => {
      const file = path.join(sp500Dir() as string, 'AAPL.csv');
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
      const column = lines[0].split(',').indexOf('timestamp');
      const dates = lines.slice(1).map((line) => line.split(',')[column]);
      assert.deepEqual(dates, nyse.sessionsBetween('1999-11-01', '2021-04-21'));
    },
  );
});
