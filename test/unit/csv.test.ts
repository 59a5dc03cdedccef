import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from '../../src/errors.ts';
import { parseCsv, symbolFromFileName } from '../../src/sources/csv.ts';

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
