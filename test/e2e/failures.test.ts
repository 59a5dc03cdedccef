import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import { calendarFor } from '../../src/calendar/index.ts';
import { withRawDb } from '../helpers/raw-db.ts';
import { MLX_BIN, runMlx, tempHome, type MlxRun } from '../helpers/cli.ts';
import { ledgerHome, predictSessions } from '../helpers/ledger.ts';

/** Every file and folder under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

/** A small valid generic CSV of NYSE sessions. */
function writeCsv(file: string, sessions = 30): void {
  const calendar = calendarFor('US');
  const lines = ['date,open,high,low,close,volume'];
  let day = '2020-01-02';
  for (let i = 0; i < sessions; i++) {
    lines.push(`${day},10,11,9,10.5,${1000 + i}`);
    day = calendar.nextSession(day);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

/** stdout is exactly one JSON document {"error": {message, exit_code, hint}} matching the exit code. */
function assertJsonError(run: MlxRun, code: number, message: RegExp): void {
  assert.equal(run.code, code, `${run.stdout}\n${run.stderr}`);
  const document = JSON.parse(run.stdout) as {
    error: { message: string; exit_code: number; hint: string | null };
  };
  assert.deepEqual(Object.keys(document), ['error']);
  assert.equal(document.error.exit_code, code);
  assert.match(document.error.message, message);
  assert.ok('hint' in document.error);
}

describe('--json failures are one JSON document on stdout', () => {
  it('for every command, whatever the failure, `| jq .error` sees it', async () => {
    const home = tempHome();
    writeCsv(path.join(home, 'ONE.csv'));
    assert.equal((await runMlx(['data', 'import', 'ONE.csv'], { home })).code, 0);
    const cases: [string[], number, RegExp][] = [
      [['predict', '--no-fetch'], 1, /no promoted model "default"/],
      [
        ['predict', '--as-of', '2020-13-01'],
        2,
        /'--as-of <date>' argument '2020-13-01' is invalid\. expects a date YYYY-MM-DD/,
      ],
      [
        ['verify', '--since', '99999999999999999999d'],
        2,
        /'--since <when>' argument '99999999999999999999d' is invalid\. expects Nd/,
      ],
      [['data', 'import', 'missing.csv'], 2, /cannot read missing\.csv: no such file or folder/],
      [['data', 'show', 'NOPE'], 1, /unknown symbol NOPE/],
      [['data', 'show', 'A;B'], 2, /invalid symbol "A;B": a symbol is 1 to 20 characters/],
      [['data', 'fetch', '--source', 'nowhere'], 2, /argument 'nowhere' is invalid/],
      [['features', 'NOPE'], 1, /unknown symbol NOPE/],
      [['features', 'ONE', '--csv'], 2, /--csv and --json each choose what stdout carries/],
      [['predictions', '--sort', 'luck'], 2, /--sort expects one of probability_up, /],
      [
        ['predictions', '--as-of', '2020-02-30'],
        2,
        /'--as-of <date>' argument '2020-02-30' is invalid/,
      ],
      [
        ['predictions', '--top', '0'],
        2,
        /'--top <n>' argument '0' is invalid\. expects a whole number of records from 1/,
      ],
      [['predict', '--no-fetch', '--sort', 'luck'], 2, /--sort expects one of/],
      [
        ['report', '--cost-bps', 'ten'],
        2,
        /'--cost-bps <n>' argument 'ten' is invalid\. expects basis points/,
      ],
      [['report', '--sort', 'luck'], 2, /--sort expects one of hit_rate, /],
      [
        ['train', '--horizon', 'abc'],
        2,
        /'--horizon <sessions>' argument 'abc' is invalid\. expects a whole number of trading sessions from 1 to 60/,
      ],
      [['models', 'show', 'default'], 1, /no promoted model/],
      [['report', '--until', 'soon'], 2, /'--until <date>' argument 'soon' is invalid/],
      [
        ['backtest', '--from', '2021-01-04', '--to', '2020-01-04'],
        2,
        /--from 2021-01-04 is after --to 2020-01-04/,
      ],
      [
        ['demo', '--symbols', '2'],
        2,
        /'--symbols <n>' argument '2' is invalid\. expects a whole number from 5 to 500/,
      ],
      [['data', 'ls', '--bogus'], 2, /unknown option '--bogus'/],
      [['--wait', 'soon', 'data', 'ls'], 2, /--wait expects a number of seconds/],
      [['--wait', '90000', 'data', 'ls'], 2, /--wait expects a number of seconds from 0 to 86400/],
      [
        ['report', '--since', '2021-05-01', '--until', '2021-01-01'],
        2,
        /--since 2021-05-01 is after --until 2021-01-01/,
      ],
      [
        ['verify', '--since', '2021-05-01', '--until', '2021-01-01'],
        2,
        /--since 2021-05-01 is after --until 2021-01-01/,
      ],
    ];
    for (const [args, code, message] of cases) {
      const run = await runMlx([...args, '--json'], { home });
      assertJsonError(run, code, message);
      assert.match(
        run.stderr,
        /error:/,
        `${args.join(' ')}: the person reading stderr is told too`,
      );
    }
    // Without --json, stdout stays empty on failure.
    assert.equal((await runMlx(['data', 'show', 'NOPE'], { home })).stdout, '');
  });
});

describe('every bad flag value is a usage error (exit 2), caught before any work', () => {
  it('dates, durations, whole numbers, seeds and symbol lists', async () => {
    const home = tempHome();
    const cases: [string[], RegExp][] = [
      [['train', '--seed', 'abc'], /'--seed <n>' argument 'abc' is invalid/],
      [['data', 'fetch', '--source', 'synthetic', '--seed', '1.5'], /'--seed <n>' argument '1\.5'/],
      [['data', 'fetch', '--source', 'synthetic', '--count', '0'], /'--count <n>' argument '0'/],
      [['data', 'fetch', '--from', '2021-02-29'], /'--from <date>' argument '2021-02-29'/],
      [['train', '--until', '31/12/2020'], /'--until <date>' argument '31\/12\/2020'/],
      [['train', '--horizon', '61'], /'--horizon <sessions>' argument '61'/],
      [['train', '--symbols', 'AAPL,A;B'], /'--symbols <list>' argument 'AAPL,A;B' is invalid/],
      [['backtest', '--from', 'then', '--to', '2021-01-04'], /'--from <date>' argument 'then'/],
      [['verify', '--until', '2021-04-31'], /'--until <date>' argument '2021-04-31'/],
      [['verify', '--delisted', 'OK', 'NOT OK'], /'--delisted <symbols...>' argument 'NOT OK'/],
      [['export', 'bars', '--out', 'x', '--since', '7 days'], /'--since <when>' argument '7 days'/],
      [['features', 'AAPL', '--last', '-1'], /'--last <n>' argument '-1'/],
      [['explain', 'AAPL', '--top', 'all'], /'--top <n>' argument 'all'/],
      [['report', '--symbol', 'A B'], /'--symbol <symbol>' argument 'A B'/],
      [['demo', '--seed', 'x'], /'--seed <n>' argument 'x'/],
    ];
    for (const [args, message] of cases) {
      const run = await runMlx(args, { home });
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message, args.join(' '));
      assert.equal(run.stdout, '', args.join(' '));
    }
    // Nothing ran: no store, no models, no ledgers in the home.
    assert.deepEqual(fs.readdirSync(home), []);
  });
});

describe('failing or read-only commands leave nothing behind', () => {
  /** Every command that works in a home (data import and data fetch make one; demo its own). */
  const needsHome: string[][] = [
    ['predict', '--no-fetch'],
    ['predict', '--as-of', '2021-01-04', '--no-fetch'],
    ['verify'],
    ['verify', '--since', '7d'],
    ['verify', '--no-fetch'],
    ['verify', '--dry-run', '--no-fetch'],
    ['report'],
    ['report', '--all', '--html', 'tearsheet.html'],
    ['predictions'],
    ['cron'],
    ['data', 'ls'],
    ['data', 'show', 'AAPL'],
    ['features', 'AAPL'],
    ['models', 'ls'],
    ['models', 'show'],
    ['models', 'promote', 'default', '20210104T000000Z'],
    ['models', 'import', '--xgb', 'xgb.json', '--like', 'default'],
    ['explain', 'AAPL'],
    ['explain', '3f9a1c2b7d4e'],
    ['export', 'bars', 'predictions', '--out', 'export'],
    ['doctor'],
    ['doctor', '--repair'],
    ['doctor', '--reindex'],
    ['train'],
    ['backtest', '--from', '2021-01-04', '--to', '2021-02-01'],
  ];
  const commands: string[][] = [
    ...needsHome,
    ['data', 'import', 'missing.csv'],
    ['data', 'fetch', '--source', 'synthetic', '--count', '3', '--to', '2999-01-01'],
  ];

  it('a mistyped --home is never created', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-typo-'));
    const typo = path.join(parent, 'mlx-hmoe');
    for (const args of commands) {
      const run = await runMlx(['--home', typo, ...args], { home: parent });
      assert.ok(!fs.existsSync(typo), `${args.join(' ')} created ${typo}: ${run.stderr}`);
    }
    for (const args of needsHome) {
      const run = await runMlx(['--home', typo, ...args], { home: parent });
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /no mlx home at .*mlx-hmoe/, args.join(' '));
    }
  });

  it('in an existing empty home, each of them creates no file', async () => {
    for (const args of commands) {
      const home = tempHome();
      await runMlx(args, { home });
      assert.deepEqual(tree(home), [], args.join(' '));
    }
  });

  it('in a folder that is not a home, every command that needs one exits 2 and says so', async () => {
    const folder = tempHome();
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'not an mlx home\n');
    fs.mkdirSync(path.join(folder, 'data'));
    for (const args of needsHome) {
      const run = await runMlx(args, { home: folder });
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(
        run.stderr,
        /no mlx home at .*\(the folder has no data\/mlx\.db/,
        args.join(' '),
      );
      assert.equal(run.stdout, '', args.join(' '));
      const json = await runMlx(['--json', ...args], { home: folder });
      assert.equal(json.code, 2, args.join(' '));
      assert.match(JSON.parse(json.stdout).error.message, /no mlx home/, args.join(' '));
    }
    assert.deepEqual(tree(folder), ['data', 'notes.txt']);
  });

  it('read-only commands on a home with data change nothing in it', async () => {
    const home = tempHome();
    writeCsv(path.join(home, 'ONE.csv'));
    assert.equal((await runMlx(['data', 'import', 'ONE.csv'], { home })).code, 0);
    const before = tree(home);
    const stat = () => fs.statSync(path.join(home, 'data', 'mlx.db')).size;
    const size = stat();
    for (const args of [
      ['data', 'ls'],
      ['data', 'show', 'ONE'],
      ['report'],
      ['predictions'],
      ['cron'],
      ['models', 'ls'],
      ['doctor'],
    ]) {
      await runMlx(args, { home });
      assert.deepEqual(tree(home), before, args.join(' '));
    }
    assert.equal(stat(), size);
  });

  it('a backtest refused for an unknown symbol or a range without sessions leaves no replay behind', async () => {
    const home = tempHome();
    writeCsv(path.join(home, 'ONE.csv'));
    assert.equal((await runMlx(['data', 'import', 'ONE.csv'], { home })).code, 0);
    const before = tree(home);
    const unknown = await runMlx(
      ['backtest', '--from', '2021-01-04', '--to', '2021-02-01', '--symbols', 'ONE,NOPE'],
      { home },
    );
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /NOPE/);
    assert.deepEqual(tree(home), before);
    const weekend = await runMlx(['backtest', '--from', '2021-01-02', '--to', '2021-01-03'], {
      home,
    });
    assert.equal(weekend.code, 2);
    assert.match(weekend.stderr, /no trading sessions/);
    assert.deepEqual(tree(home), before);
  });
});

describe('errors a person can act on, as a user sees them', () => {
  it('a gzip file and a 5 MB header: at most 200 characters, escaped, and what to do', async () => {
    const home = tempHome();
    fs.writeFileSync(path.join(home, 'ZIP.csv'), zlib.gzipSync('date,open\n'.repeat(1000)));
    const gzip = await runMlx(['data', 'import', 'ZIP.csv'], { home });
    assert.equal(gzip.code, 1);
    assert.match(gzip.stderr, /ZIP\.csv: not a CSV text file \(gzip-compressed data\)/);
    assert.match(gzip.stderr, /gunzip/);
    assert.ok(![...gzip.stderr].some((c) => c.charCodeAt(0) < 0x20 && c !== '\n'), 'no raw bytes');

    fs.writeFileSync(path.join(home, 'WIDE.csv'), `${'col\u001b,'.repeat(1_000_000)}\n1\n`);
    const wide = await runMlx(['data', 'import', 'WIDE.csv'], { home });
    assert.equal(wide.code, 1);
    assert.ok(wide.stderr.length < 1000, `${wide.stderr.length} characters of stderr`);
    assert.match(wide.stderr, /unrecognised CSV header "col\\u001b,col/);
    assert.match(wide.stderr, /\(5,000,000 characters\)/);
  });

  it('a missing column is named', async () => {
    const home = tempHome();
    fs.writeFileSync(
      path.join(home, 'HALF.csv'),
      'date,open,high,low,volume\n2020-01-02,1,2,0.5,10\n',
    );
    const run = await runMlx(['data', 'import', 'HALF.csv'], { home });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /HALF\.csv: line 1: missing column "close"/);
  });
});

describe('a lock nobody can read (0 bytes, as a full disk leaves it)', () => {
  it('doctor reports it and --repair clears it; a writer takes it over once a minute old', async () => {
    const home = tempHome();
    writeCsv(path.join(home, 'ONE.csv'));
    // A home in the making: its config written, its first import about to be blocked.
    fs.writeFileSync(path.join(home, 'mlx.config.json'), '{}\n');
    const lock = path.join(home, '.mlx.lock');
    fs.writeFileSync(lock, '');
    const age = (seconds: number) => {
      const then = new Date(Date.now() - seconds * 1000);
      fs.utimesSync(lock, then, then);
    };
    age(10);
    const blocked = await runMlx(['data', 'import', 'ONE.csv'], { home });
    assert.equal(blocked.code, 4);
    assert.match(blocked.stderr, /unreadable lock file, 1\d s old/);

    const check = await runMlx(['doctor', '--json'], { home });
    assert.equal(check.code, 1);
    const lockCheck = (
      JSON.parse(check.stdout) as {
        checks: { name: string; ok: boolean; detail: string; hint: string }[];
      }
    ).checks.find((c) => c.name === 'lock');
    assert.equal(lockCheck?.ok, false);
    assert.match(lockCheck?.detail ?? '', /\.mlx\.lock is unreadable \(0 bytes/);
    assert.match(lockCheck?.hint ?? '', /mlx doctor --repair removes it/);
    const repair = await runMlx(['doctor', '--repair', '--json'], { home });
    assert.equal(repair.code, 0, repair.stdout);
    assert.equal(JSON.parse(repair.stdout).lock_cleared, true);
    assert.ok(!fs.existsSync(lock));
    assert.equal((await runMlx(['doctor'], { home })).code, 0);

    fs.writeFileSync(lock, 'garbage');
    age(61);
    const taken = await runMlx(['data', 'import', 'ONE.csv'], { home });
    assert.equal(taken.code, 0, taken.stderr);
    assert.ok(!fs.existsSync(lock), 'released after the import');
  });
});

describe('mlx verify --no-fetch with the store removed', () => {
  it('exits 1 naming the symbols and records nothing; with the store back, it verifies them', async () => {
    const ctx = await ledgerHome();
    predictSessions(ctx, ['SYN001', 'SYN002'], ['2021-11-01', '2021-11-02']);
    const home = ctx.home.root;
    const aside = tempHome('mlx-aside-');
    for (const f of fs.readdirSync(ctx.home.dataDir))
      fs.renameSync(path.join(ctx.home.dataDir, f), path.join(aside, f));
    const run = await runMlx(['verify', '--no-fetch'], { home });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /cannot verify 4 prediction\(s\) of SYN001, SYN002/);
    assert.ok(!fs.existsSync(ctx.home.verificationsDir), 'nothing recorded');
    assert.deepEqual(fs.readdirSync(ctx.home.dataDir), [], 'no empty store created');
    for (const f of fs.readdirSync(aside))
      fs.renameSync(path.join(aside, f), path.join(ctx.home.dataDir, f));
    // One symbol's bars gone: the other is verified (exit 3); only that one: the error document (exit 1).
    const saved = withRawDb(ctx.home.db, (db) => {
      const rows = db.prepare("SELECT * FROM bars WHERE symbol = 'SYN002'").all();
      db.prepare("DELETE FROM bars WHERE symbol = 'SYN002'").run();
      return rows;
    });
    const partial = await runMlx(['verify', '--no-fetch', '--json'], { home });
    assert.equal(partial.code, 3, partial.stderr);
    assert.equal((JSON.parse(partial.stdout) as unknown[]).length, 2);
    assert.match(partial.stderr, /SYN002: 2 prediction\(s\) not verified: no bars in the store/);
    const failed = await runMlx(['verify', '--no-fetch', '--json'], { home });
    assert.equal(failed.code, 1);
    assert.match(
      JSON.parse(failed.stdout).error.message,
      /no prediction could be verified: bars missing for SYN002/,
    );
    withRawDb(ctx.home.db, (db) => {
      const insert = db.prepare(
        'INSERT INTO bars VALUES (@symbol, @date, @open, @high, @low, @close, @volume, @dividend, @split, @adj_close, @source, @fetched_at)',
      );
      for (const row of saved) insert.run(row);
    });
    const back = await runMlx(['verify', '--no-fetch', '--json'], { home });
    assert.equal(back.code, 0, back.stderr);
    const verified = JSON.parse(back.stdout) as { verification: { status: string } }[];
    assert.deepEqual(
      verified.map((v) => v.verification.status),
      ['verified', 'verified'],
    );
    assert.equal(
      fs
        .readdirSync(ctx.home.verificationsDir)
        .flatMap((f) =>
          fs.readFileSync(path.join(ctx.home.verificationsDir, f), 'utf8').split('\n'),
        )
        .filter(Boolean).length,
      4,
      'each prediction verified once',
    );
  });
});

describe('a reader that stops early', () => {
  it('`mlx … --json | head` ends quietly: no stack trace, and the exit code is the work’s', async () => {
    const home = tempHome();
    writeCsv(path.join(home, 'LONG.csv'), 1200);
    assert.equal((await runMlx(['data', 'import', 'LONG.csv'], { home })).code, 0);
    // Far more than a pipe holds, so the writer is still writing when head has gone.
    const full = await runMlx(['features', 'LONG', '--last', '1000', '--json'], { home });
    assert.ok(full.stdout.length > 256 * 1024, `${full.stdout.length} bytes`);
    const piped = (args: string) =>
      spawnSync(
        'bash',
        [
          '-c',
          `"${process.execPath}" "${MLX_BIN}" ${args} 2>err.txt | head -c 10; echo " \${PIPESTATUS[0]}"`,
        ],
        { cwd: home, encoding: 'utf8', env: { ...process.env, MLX_HOME: undefined } },
      );
    const early = piped('features LONG --last 1000 --json');
    assert.match(early.stdout, / 0\n$/, early.stdout);
    assert.equal(fs.readFileSync(path.join(home, 'err.txt'), 'utf8'), '');
    // A failing command still fails when nobody reads its output.
    const failing = piped('features NOPE --last 1000 --json');
    assert.match(failing.stdout, / 1\n$/, failing.stdout);
  });
});
