import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Chalk } from 'chalk';
import { colorRefused, withPaint } from '../../src/cli/io.ts';
import { PLAIN } from '../../src/cli/terminal.ts';
import { progressText, statusProgress, StatusLine } from '../../src/cli/progress.ts';
import { fitText, renderTable } from '../../src/cli/table.ts';
import { predictionTable } from '../../src/cli/prediction-table.ts';
import type { Prediction } from '../../src/ledger/records.ts';
import { strongestSignals } from '../../src/prediction/strongest.ts';
import { createLogger } from '../../src/log.ts';

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 1 });
// eslint-disable-next-line no-control-regex
const ESC = /\x1b/;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

test('tables: one line per row, no separators; numbers right-aligned; a rule only on a terminal', () => {
  const rows = [
    ['AAPL', 119, '71.4%'],
    ['WBA', 7, '–'],
  ];
  const piped = renderTable(['symbol', 'n', 'hit rate'], rows, {
    paint: plain,
    columns: undefined,
    stdoutIsTTY: false,
  });
  assert.deepEqual(piped.split('\n'), [
    'symbol    n  hit rate',
    'AAPL    119     71.4%',
    'WBA       7         –',
  ]);
  const onTerminal = renderTable(['symbol', 'n', 'hit rate'], rows, {
    paint: plain,
    columns: 80,
    stdoutIsTTY: true,
  }).split('\n');
  assert.equal(onTerminal.length, 4);
  assert.equal(onTerminal[1], '──────  ───  ────────');
  assert.doesNotMatch(onTerminal.join('\n'), ESC);
});

test('tables: colour only through the paint they are given (plain under NO_COLOR)', () => {
  const head = ['symbol', 'change'];
  const rows = [['AAPL', colour.green('+1.00%')]];
  assert.match(renderTable(head, rows, { paint: colour, columns: 80, stdoutIsTTY: true }), ESC);
  const noColour = renderTable(head, [['AAPL', plain.green('+1.00%')]], {
    paint: plain,
    columns: 80,
    stdoutIsTTY: true,
  });
  assert.doesNotMatch(noColour, ESC);
  // A coloured cell is aligned by what shows, not by its escape codes.
  const lines = renderTable(head, [...rows, ['MSFT', '-10.00%']], {
    paint: plain,
    columns: 80,
    stdoutIsTTY: false,
  }).split('\n');
  assert.equal(lines[1].replace(ANSI, '').length, lines[2].length);
});

test('tables fit the terminal: the widest text column is cut with …, numbers never', () => {
  const rows = Array.from({ length: 3 }, (_, i) => [
    `SYM${i}`,
    1234.5 + i,
    'macd_positive, golden_cross, regime_bullish, overbought, oversold',
  ]);
  const text = renderTable(['symbol', 'price', 'strongest signals'], rows, {
    paint: plain,
    columns: 40,
    stdoutIsTTY: true,
  });
  for (const line of text.split('\n')) assert.ok(line.length <= 40, `${line.length}: ${line}`);
  assert.match(text, /1236\.5/);
  assert.match(text, / {2}macd_positive, golden_c…$/m);
});

test('NO_COLOR counts when set and not empty; TERM=dumb too', () => {
  assert.equal(colorRefused({ NO_COLOR: '1' }), true);
  assert.equal(colorRefused({ NO_COLOR: '' }), false);
  assert.equal(colorRefused({}), false);
  assert.equal(colorRefused({ TERM: 'dumb' }), true);
});

/** What a terminal shows after `output`: carriage return to column 0, newline, overwrite. */
function screen(output: string): string[] {
  const lines: string[][] = [[]];
  let column = 0;
  for (const ch of output) {
    if (ch === '\r') column = 0;
    else if (ch === '\n') {
      lines.push([]);
      column = 0;
    } else {
      lines[lines.length - 1][column++] = ch;
    }
  }
  return lines.map((l) =>
    Array.from(l, (c) => c ?? ' ')
      .join('')
      .trimEnd(),
  );
}

test('a progress bar and log lines never share a line, and nothing but \\r and text is written', () => {
  let written = '';
  const line = new StatusLine({ write: (t) => (written += t), columns: 60 });
  const log = createLogger({
    level: 'normal',
    color: false,
    interactive: true,
    write: (t) => line.writeLines(t),
  });
  const bar = statusProgress(true, line)('sessions', 4);
  bar.tick(1, '2019-01-02');
  log.info('backtest: training on bars up to 2019-01-31');
  bar.tick(1, '2019-01-03');
  log.warn('AAPL: stale data');
  bar.tick(2, '2019-01-07');
  bar.done();
  log.info('backtest finished');
  assert.doesNotMatch(written, ESC);
  const shown = screen(written);
  assert.deepEqual(shown, [
    'backtest: training on bars up to 2019-01-31',
    'warning: AAPL: stale data',
    'backtest finished',
    '',
  ]);
  // While it ran, the bar was drawn, and cut to the width.
  assert.match(written, /sessions \[█+░*\] 1\/4 2019-01-02/);
  for (const chunk of written.split(/[\r\n]/)) assert.ok(chunk.length <= 59, chunk);
  assert.equal(progressText('x', 2, 4, '').replace(/[█░]/g, '#'), `x [${'#'.repeat(24)}] 2/4`);
});

test('a table too wide even with its text cut leaves out columns from the right', () => {
  const head = ['symbol', 'price', 'P(up)', 'conf', 'regime', 'strongest signals'];
  const rows = [['AAPL', '150.00', '0.61', '0.40', 'bullish', 'macd_positive, golden_cross']];
  const lines = renderTable(head, rows, { paint: plain, columns: 30, stdoutIsTTY: true }).split(
    '\n',
  );
  for (const line of lines) assert.ok(line.length <= 30, line);
  assert.equal(lines[0], 'symbol   price  P(up)  conf');
  assert.equal(lines[2], 'AAPL    150.00   0.61  0.40');
});

test('a table that hides columns says which, and how to see them; the first column is never cut', () => {
  const head = ['label with words', 'n', 'regime', 'strongest signals'];
  const rows = [['ensemble long/short portfolio', '12', 'bullish', 'macd_positive, golden_cross']];
  const lines = renderTable(head, rows, { paint: plain, columns: 44, stdoutIsTTY: true }).split(
    '\n',
  );
  for (const line of lines) assert.ok(line.length <= 44, line);
  assert.match(lines[2], /^ensemble long\/short portfolio {2}12/);
  assert.match(
    lines.slice(3).join(' '),
    /^\(1 column hidden to fit 44 columns: strongest signals; --wide or --json shows them\)$/,
  );
  // Into a pipe nothing is cut, and nothing is said.
  const piped = renderTable(head, rows, { paint: plain, columns: undefined, stdoutIsTTY: false });
  assert.doesNotMatch(piped, /hidden/);
});

test('prose fitted to the terminal is broken at spaces; without a width it is left alone', () => {
  const text =
    'Rank IC 0.041 (Newey–West t 3.5, 751 sessions); interval coverage 80.4% (target 80%)\nshort';
  const lines = fitText(text, 40).split('\n');
  for (const line of lines) assert.ok(line.length <= 40, line);
  assert.equal(lines.join(' ').replace(' short', '\nshort'), text);
  assert.equal(fitText(text, undefined), text);
});

test('predictions: strongest signals by their pull at the head weight; relative columns first when asked', () => {
  const record = {
    schema: 'mlx.prediction/2',
    id: 'x',
    symbol: 'AAPL',
    as_of: '2020-12-31',
    current_price: 1,
    predicted_change_pct: 0.1,
    direction: 'up',
    expected_excess_pct: 0.2,
    rank_pct: 80,
    probability_up: 0.55,
    probability_outperform: 0.51,
    confidence: 0.4,
    interval: { level: 0.8, low: 0.9, high: 1.1 },
    market_regime: 'bullish',
    signals: [
      { name: 'macd_positive', value: 0.2, weight: 1 },
      { name: 'xgb', value: 0.5, weight: 1 },
      { name: 'lstm', value: 2, weight: 1 },
    ],
    model: { name: 'default', version: 'v1', feature_set: 'fs' },
  } as unknown as Prediction;
  const head = { weights: { xgb: 0.8, lstm: 0, rules: 0.2 }, scale: { rules: 0.5 } };
  assert.deepEqual(strongestSignals(record, head), ['xgb', 'macd_positive']);
  // Without the model's head, the stock's weights alone, as recorded.
  assert.deepEqual(strongestSignals(record, null), ['lstm', 'xgb', 'macd_positive']);
  const table = predictionTable(
    [record],
    { paint: plain, columns: undefined, stdoutIsTTY: false },
    {
      heads: new Map([['default/v1', head]]),
      relativeFirst: true,
    },
  ).split('\n');
  assert.match(table[0], /^symbol\s+as of\s+rank\s+excess\s+P\(out\)\s+price\s+change\s+P\(up\)/);
  assert.match(table[1], /xgb, macd_positive$/);
});

test('withPaint: chalk colours only for a stdout that takes them, the text as it is otherwise', async () => {
  const facts = { stdoutIsTTY: true, stderrIsTTY: true, color: true, columns: 80, paint: PLAIN };
  const coloured = await withPaint({ ...facts, stdoutColor: true });
  assert.match(coloured.paint.green('+1.00%'), ESC);
  assert.equal(coloured.paint.green('+1.00%').replace(ANSI, ''), '+1.00%');
  const piped = await withPaint({ ...facts, stdoutIsTTY: false, stdoutColor: false });
  assert.equal(piped.paint, PLAIN);
  assert.equal(piped.paint.red('-1.00%'), '-1.00%');
});
