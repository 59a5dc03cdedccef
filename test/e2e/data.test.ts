import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from '../helpers/suite.ts';
import Database from 'better-sqlite3';
import { calendarFor } from '../../src/calendar/index.ts';
import { PriceStore } from '../../src/store/price-store.ts';
import { readCsvFile } from '../../src/sources/csv.ts';
import { runMlx, tempHome } from '../helpers/cli.ts';
import { skipWithoutSp500, sp500Dir, sp500Files } from '../helpers/shared-data.ts';

/** A generic OHLCV file of `days` NYSE sessions from 2015 on, a gentle random-looking walk. */
function writeGenericCsv(file: string, days: number, badLine?: number): void {
  const lines = ['date,open,high,low,close,volume'];
  const calendar = calendarFor('US');
  let day = '2015-01-05';
  let price = 50;
  while (lines.length <= days) {
    price *= 1 + Math.sin(lines.length * 1.7) * 0.01;
    const close = lines.length + 1 === badLine ? 'abc' : price.toFixed(4);
    lines.push(`${day},${price},${price * 1.01},${price * 0.99},${close},${1000 + lines.length}`);
    day = calendar.nextSession(day);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

describe('mlx data on the 55 real S&P 500 files', { skip: skipWithoutSp500 }, () => {
  const home = tempHome();
  let first: { code: number; stdout: string; stderr: string };

  before(async () => {
    first = await runMlx(
      [
        'data',
        'import',
        ...fs
          .readdirSync(sp500Dir()!)
          .filter((f) => f.endsWith('.csv'))
          .map((f) => path.join(sp500Dir()!, f)),
        '--json',
      ],
      { home },
    );
  });

  test('imports all 55 symbols and 277,169 bars; stdout is one JSON document', () => {
    assert.equal(first.code, 0, first.stderr);
    const result = JSON.parse(first.stdout);
    assert.equal(result.files.length, 55);
    assert.equal(result.inserted, 277169);
    assert.match(first.stderr, /277169 new bars/);
    // Real files pass the bar checks as they are: VIAC's five missing sessions are fine.
    assert.equal(result.bad_rows, 0);
  });

  test('a second import adds 0 rows', async () => {
    const again = await runMlx(['data', 'import', ...sp500Files(), '--json'], { home });
    assert.equal(again.code, 0, again.stderr);
    const result = JSON.parse(again.stdout);
    assert.equal(result.inserted, 0);
    assert.equal(result.updated, 0);
    assert.equal(result.unchanged, 277169);
  });

  test('data ls --json matches every file: first and last dates and row counts', async () => {
    const ls = await runMlx(['data', 'ls', '--json'], { home });
    assert.equal(ls.code, 0, ls.stderr);
    const symbols = JSON.parse(ls.stdout) as {
      symbol: string;
      first: string;
      last: string;
      rows: number;
      name: string;
    }[];
    assert.equal(symbols.length, 55);
    for (const file of sp500Files()) {
      const bars = readCsvFile(file).bars;
      const entry = symbols.find((s) => s.symbol === path.basename(file, '.csv'));
      assert.ok(entry, file);
      assert.deepEqual(
        [entry.first, entry.last, entry.rows],
        [bars[0].date, bars.at(-1)!.date, bars.length],
      );
    }
    assert.equal(symbols.find((s) => s.symbol === 'AAPL')?.name, 'Apple Inc.');
  });

  test("AAPL's adjusted close equals the file's adjusted_close on every row; 2020-08-31 is +3.4%", () => {
    const store = PriceStore.open(path.join(home, 'data', 'mlx.db'));
    try {
      const series = store.adjusted('AAPL');
      const file = readCsvFile(path.join(sp500Dir()!, 'AAPL.csv')).bars;
      assert.equal(series.dates.length, file.length);
      file.forEach((bar, i) => {
        const relative = Math.abs(series.close[i] / (bar.adjClose as number) - 1);
        assert.ok(relative < 1e-6, `${bar.date}: ${series.close[i]} vs ${bar.adjClose}`);
      });
      const t = series.dates.indexOf('2020-08-31');
      const change = series.close[t] / series.close[t - 1] - 1;
      assert.ok(Math.abs(change - 0.034) < 0.002, `adjusted return ${change}`);
      assert.equal(store.integrityCheck(), 'ok');
    } finally {
      store.close();
    }
  });

  test('mlx features AAPL --as-of 2020-08-31 shows the 1-day log return +0.033, not a split artefact', async () => {
    const run = await runMlx(['features', 'AAPL', '--as-of', '2020-08-31', '--json'], { home });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.rows[0].date, '2020-08-31');
    assert.ok(
      Math.abs(report.rows[0].features.ret_1 - 0.0333) < 0.0005,
      String(report.rows[0].features.ret_1),
    );
    const csv = await runMlx(
      ['features', 'AAPL', '--as-of', '2020-08-31', '--last', '3', '--csv'],
      { home },
    );
    assert.equal(csv.stdout.trim().split('\n').length, 4);
  });

  test('data show flags zero-volume days and splits', async () => {
    const show = await runMlx(['data', 'show', 'mnst', '--json'], { home });
    assert.equal(show.code, 0, show.stderr);
    const detail = JSON.parse(show.stdout);
    assert.equal(detail.quality.zero_volume_days.length, 22);
    assert.ok(detail.quality.splits.length >= 4);
  });
});

describe('mlx data: bad input and concurrency', () => {
  test('a CSV whose line 7 has a non-numeric close fails with exit 1, naming file and line; the store is unchanged', async () => {
    const home = tempHome();
    const good = path.join(home, 'GOOD.csv');
    writeGenericCsv(good, 30);
    assert.equal((await runMlx(['data', 'import', good], { home })).code, 0);
    const db = path.join(home, 'data', 'mlx.db');
    const before = new Database(db, { readonly: true })
      .prepare('SELECT COUNT(*) AS n FROM bars')
      .get();

    const bad = path.join(home, 'BAD.csv');
    writeGenericCsv(bad, 30, 7);
    const run = await runMlx(['data', 'import', bad, good], { home });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /BAD\.csv: line 7: field "close"/);
    assert.equal(run.stdout, '');
    const after = new Database(db, { readonly: true })
      .prepare('SELECT COUNT(*) AS n FROM bars')
      .get();
    assert.deepEqual(after, before);
  });

  test('impossible bars are refused naming file, line and field, or counted with --on-bad-row skip', async () => {
    const home = tempHome();
    const file = path.join(home, 'ODD.csv');
    writeGenericCsv(file, 30);
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    const good = lines.slice(0, 20);
    const cases: [string, RegExp][] = [
      [
        '6221-05-14,50,51,49,50.5,1000',
        /ODD\.csv: line 21: field "date": 6221-05-14 is after today's session/,
      ],
      [
        '2015-02-30,50,51,49,50.5,1000',
        /ODD\.csv: line 21: field "date": "2015-02-30" is not a real/,
      ],
      [
        '2015-02-07,50,51,49,50.5,1000',
        /ODD\.csv: line 21: field "date": 2015-02-07 is not a NYSE session/,
      ],
      ['2015-02-09,50,49,51,50,1000', /ODD\.csv: line 21: field "high": high 49 is below low 51/],
      ['2015-02-09,0x10,51,49,50,1000', /ODD\.csv: line 21: field "open": "0x10" is not/],
    ];
    for (const [row, message] of cases) {
      fs.writeFileSync(file, `${[...good, row].join('\n')}\n`);
      const run = await runMlx(['data', 'import', file], { home });
      assert.equal(run.code, 1, row);
      assert.match(run.stderr, message);
      assert.ok(!fs.existsSync(path.join(home, 'data', 'mlx.db')), 'nothing written');
    }
    fs.writeFileSync(file, `${[...good, cases[0][0], cases[3][0]].join('\n')}\n`);
    const skipped = await runMlx(['data', 'import', file, '--on-bad-row', 'skip', '--json'], {
      home,
    });
    assert.equal(skipped.code, 0, skipped.stderr);
    const result = JSON.parse(skipped.stdout);
    assert.equal(result.bad_rows, 2);
    assert.equal(result.inserted, 19);
  });

  test('two imports at once: the second exits 4 with a clear message or waits; the store stays consistent', async () => {
    const home = tempHome();
    const files: string[] = [];
    for (let i = 0; i < 40; i++) {
      const file = path.join(home, `S${i}.csv`);
      writeGenericCsv(file, 2500);
      files.push(file);
    }
    const runs = await Promise.all([
      runMlx(['data', 'import', ...files], { home }),
      runMlx(['data', 'import', ...files], { home }),
    ]);
    const codes = runs.map((r) => r.code).sort();
    assert.ok(codes[0] === 0, JSON.stringify(runs.map((r) => r.stderr)));
    assert.ok(codes[1] === 0 || codes[1] === 4);
    for (const run of runs.filter((r) => r.code === 4))
      assert.match(run.stderr, /another mlx process holds the lock/);
    const store = PriceStore.open(path.join(home, 'data', 'mlx.db'));
    assert.equal(store.integrityCheck(), 'ok');
    assert.equal(store.barCount(), 40 * 2500);
    store.close();
    assert.ok(!fs.existsSync(path.join(home, '.mlx.lock')), 'the lock is released');
  });

  test('usage and configuration errors exit 2; unknown symbols exit 1', async () => {
    const home = tempHome();
    assert.equal((await runMlx(['data', 'import'], { home })).code, 2);
    assert.equal((await runMlx(['data', 'ls', '--bogus'], { home })).code, 2);
    fs.writeFileSync(path.join(home, 'mlx.config.json'), JSON.stringify({ horizonDays: 'five' }));
    const badConfig = await runMlx(['data', 'ls'], { home });
    assert.equal(badConfig.code, 2);
    assert.match(badConfig.stderr, /mlx\.config\.json: horizonDays/);
    fs.rmSync(path.join(home, 'mlx.config.json'));
    const good = path.join(home, 'ONE.csv');
    writeGenericCsv(good, 10);
    await runMlx(['data', 'import', good], { home });
    const unknown = await runMlx(['data', 'show', 'NOPE'], { home });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown symbol NOPE/);
  });

  test('--help goes to stdout with exit 0 and lists examples', async () => {
    const help = await runMlx(['data', 'import', '--help'], { home: tempHome() });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Examples:/);
  });
});
