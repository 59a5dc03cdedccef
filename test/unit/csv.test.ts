import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import zlib from 'node:zlib';
import { DataError, UsageError } from '../../src/errors.ts';
import { parseCsv, readCsvFile, symbolFromFileName } from '../../src/sources/csv.ts';
import { barRulesFor, priceTolerance } from '../../src/store/bar-checks.ts';

const ALPHAVANTAGE = `timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient
2020-08-31,127.58,131.0,126.0,129.04,128.62,223505733,0.0,4.0
2020-08-28,504.05,505.77,498.31,499.23,124.43,46907479,0.0,1.0
`;

test('AlphaVantage daily-adjusted: detected, sorted ascending, events kept', () => {
  const parsed = parseCsv(ALPHAVANTAGE, 'AAPL.csv');
  assert.equal(parsed.format, 'alphavantage');
  assert.deepEqual(
    parsed.bars.map((b) => b.date),
    ['2020-08-28', '2020-08-31'],
  );
  assert.equal(parsed.bars[1].split, 4);
  assert.equal(parsed.bars[0].adjClose, 124.43);
  assert.equal(parsed.bars[0].volume, 46907479);
});

test('Yahoo CSV: detected, "null" rows left out and counted', () => {
  const text = `Date,Open,High,Low,Close,Adj Close,Volume
2021-01-04,10,11,9,10.5,10.1,1000
2021-01-05,null,null,null,null,null,null
2021-01-06,10.5,11,10,10.8,10.4,1200
`;
  const parsed = parseCsv(text, 'x.csv');
  assert.equal(parsed.format, 'yahoo');
  assert.equal(parsed.bars.length, 2);
  assert.equal(parsed.emptyRows, 1);
  assert.equal(parsed.bars[1].dividend, 0);
  assert.equal(parsed.bars[1].split, 1);
});

test('generic OHLCV in any column order and case', () => {
  const text = 'Volume,Close,Low,High,Open,Date\n500,2.5,2,3,2.2,2021-03-01\n';
  const parsed = parseCsv(text, 'g.csv');
  assert.equal(parsed.format, 'generic');
  assert.deepEqual(parsed.bars[0], {
    date: '2021-03-01',
    open: 2.2,
    high: 3,
    low: 2,
    close: 2.5,
    volume: 500,
    dividend: 0,
    split: 1,
    adjClose: null,
  });
});

test('a non-numeric close fails naming the file, line and field', () => {
  const lines = ['date,open,high,low,close,volume'];
  for (let day = 1; day <= 6; day++)
    lines.push(`2021-03-0${day},1,2,0.5,${day === 6 ? 'abc' : '1.5'},100`);
  assert.throws(
    () => parseCsv(lines.join('\n'), 'prices.csv'),
    (err: unknown) =>
      err instanceof DataError &&
      /prices\.csv: line 7: field "close"/.test(err.message) &&
      /abc/.test(err.message),
  );
});

test('--on-bad-row skip counts bad rows and keeps the good ones', () => {
  const text =
    'date,open,high,low,close,volume\n2021-03-01,1,2,0.5,1.5,100\n2021-13-45,1,2,0.5,1.5,100\n2021-03-02,1,2,0.5,-1,100\n2021-03-03,1,2,0.5,1.6,100\n';
  const parsed = parseCsv(text, 'p.csv', { onBadRow: 'skip' });
  assert.equal(parsed.bars.length, 2);
  assert.deepEqual(
    parsed.badRows.map((r) => [r.line, r.field]),
    [
      [3, 'date'],
      [4, 'close'],
    ],
  );
});

test('a duplicated date is a bad row; an unknown header is refused', () => {
  assert.throws(
    () =>
      parseCsv(
        'date,open,high,low,close,volume\n2021-03-01,1,2,0.5,1.5,100\n2021-03-01,1,2,0.5,1.5,100\n',
        'd.csv',
      ),
    /line 3.*appears twice/,
  );
  assert.throws(
    () => parseCsv('when,price\n2021-03-01,1\n', 'u.csv'),
    /u\.csv: line 1: unrecognised CSV header/,
  );
});

test('symbol from the file name', () => {
  assert.equal(symbolFromFileName('/x/y/aapl.csv'), 'AAPL');
  assert.equal(symbolFromFileName('TCS.NS.csv'), 'TCS.NS');
});

describe('bar checks on import (the store rules for a US listing, today 2021-04-22)', () => {
  const rules = barRulesFor('US', '2021-04-22');
  // The header, a good first bar on line 2, then the rows given (line 3 on).
  const generic = (...rows: string[]) =>
    `date,open,high,low,close,volume\n2021-03-01,10,11,9,10.5,100\n${rows.join('\n')}\n`;
  const refused = (row: string, line: RegExp) =>
    assert.throws(
      () => parseCsv(generic(row), 'p.csv', { rules }),
      (err: unknown) => err instanceof DataError && line.test(err.message),
    );

  test('a bar after today, even one in the year 6221, is refused naming file, line and field', () => {
    refused(
      '6221-03-01,10,11,9,10.5,100',
      /p\.csv: line 3: field "date": 6221-03-01 is after today/,
    );
    refused('2021-04-23,10,11,9,10.5,100', /line 3: field "date": 2021-04-23 is after today/);
    const today = parseCsv(generic('2021-04-22,10,11,9,10.5,100'), 'p.csv', { rules });
    assert.equal(today.bars.at(-1)?.date, '2021-04-22');
  });

  test('an impossible date is refused', () => {
    refused('2000-02-30,10,11,9,10.5,100', /line 3: field "date": "2000-02-30" is not a real/);
    refused('2021-02-29,10,11,9,10.5,100', /"2021-02-29" is not a real/);
  });

  test('a day that is no NYSE session is refused: a weekend, a holiday; a missing session is fine', () => {
    refused(
      '2021-03-06,10,11,9,10.5,100',
      /field "date": 2021-03-06 is not a NYSE session \(Saturday\)/,
    );
    refused(
      '2021-01-18,10,11,9,10.5,100',
      /2021-01-18 is not a NYSE session \(Monday, a market holiday\)/,
    );
    const gap = parseCsv(generic('2021-03-05,10,11,9,10.5,100'), 'p.csv', { rules });
    assert.equal(gap.bars.length, 2, 'Tuesday to Thursday missing is fine');
  });

  test('before 1985 (NYSE rules not modelled) and on other exchanges, no session check', () => {
    const early = parseCsv(generic('1975-03-01,10,11,9,10.5,100'), 'p.csv', { rules });
    assert.equal(early.bars.length, 2);
    const india = parseCsv(generic('2021-01-18,10,11,9,10.5,100'), 'TCS.NS.csv', {
      rules: barRulesFor('NSE', '2021-04-22'),
    });
    assert.equal(india.bars.length, 2);
  });

  test('high below low, and open or close outside [low, high], are refused naming the field', () => {
    refused('2021-03-02,10,9,11,10,100', /line 3: field "high": high 9 is below low 11/);
    refused('2021-03-02,12,11,9,10.5,100', /line 3: field "open": open 12 is above high 11/);
    refused('2021-03-02,10,11,9,8.9,100', /line 3: field "close": close 8.9 is below low 9/);
  });

  test('a hair outside [low, high] (rounding) is within tolerance and stored as given', () => {
    const parsed = parseCsv(generic('2021-03-02,10,11,9,11.004,100'), 'p.csv', { rules });
    assert.equal(parsed.bars[1].close, 11.004);
    assert.ok(priceTolerance(11) >= 0.005);
    assert.ok(priceTolerance(5000) === 0.5);
  });

  test('hexadecimal, octal, binary and Infinity are not numbers in a price file', () => {
    for (const value of ['0x10', '0o7', '0b101', 'Infinity', '1_0']) {
      assert.throws(
        () => parseCsv(generic(`2021-03-02,10,11,9,${value},100`), 'p.csv', { rules }),
        new RegExp(`field "close": "${value}" is not a positive decimal number`),
        value,
      );
    }
    const fine = parseCsv(generic('2021-03-02,1.05e1,+11,9.,.95e1,1e3'), 'p.csv', { rules });
    assert.deepEqual(
      [
        fine.bars[1].open,
        fine.bars[1].high,
        fine.bars[1].low,
        fine.bars[1].close,
        fine.bars[1].volume,
      ],
      [10.5, 11, 9, 9.5, 1000],
    );
  });

  test('--on-bad-row skip counts each refused bar with its line and field', () => {
    const parsed = parseCsv(
      generic(
        '6221-01-01,10,11,9,10.5,100',
        '2021-03-06,10,11,9,10.5,100',
        '2021-03-02,10,9,11,10,100',
        '2021-03-03,0x10,20,9,10,100',
        '2021-03-04,10,11,9,10.5,100',
      ),
      'p.csv',
      { rules, onBadRow: 'skip' },
    );
    assert.deepEqual(
      parsed.bars.map((b) => b.date),
      ['2021-03-01', '2021-03-04'],
    );
    assert.deepEqual(
      parsed.badRows.map((r) => [r.line, r.field]),
      [
        [3, 'date'],
        [4, 'date'],
        [5, 'high'],
        [6, 'open'],
      ],
    );
  });
});

describe('CSV messages a person can act on', () => {
  test('a header that is mostly right names the missing column', () => {
    assert.throws(
      () => parseCsv('date,open,high,low,volume\n2021-03-01,1,2,0.5,100\n', 'm.csv'),
      /m\.csv: line 1: missing column "close" for the generic format/,
    );
  });

  test('a huge header is shown as at most 200 characters, escaped', () => {
    const header = `${'\u0007x'.repeat(3_000_000)}`;
    assert.throws(
      () => parseCsv(`${header}\n1,2\n`, 'big.csv'),
      (err: unknown) => {
        const message = (err as Error).message;
        const quoted = /"(.*)…"/.exec(message)?.[1] ?? '';
        return (
          quoted.length <= 200 &&
          message.length < 400 &&
          message.includes('\\u0007x') &&
          !message.includes('\u0007') &&
          /\(6,000,000 characters\)/.test(message)
        );
      },
    );
  });

  test('a gzip file is named as such, with how to fix it, and no raw bytes', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-csv-')), 'AAPL.csv');
    fs.writeFileSync(file, zlib.gzipSync('date,open,high,low,close,volume\n'));
    assert.throws(
      () => readCsvFile(file),
      (err: unknown) =>
        err instanceof DataError &&
        /AAPL\.csv: not a CSV text file \(gzip-compressed data\)/.test(err.message) &&
        /gunzip/.test(err.hint ?? '') &&
        ![...err.message].some((c) => c.charCodeAt(0) < 0x20 || c === '\u008b'),
    );
  });

  test('a missing file is a usage error naming the path (exit 2)', () => {
    assert.throws(
      () => readCsvFile('/nonexistent/AAPL.csv'),
      (err: unknown) =>
        err instanceof UsageError &&
        err.message === 'cannot read /nonexistent/AAPL.csv: no such file or folder (ENOENT)',
    );
  });
});
