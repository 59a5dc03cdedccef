import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { before, describe, it } from '../helpers/suite.ts';
import { runMlx, tempHome } from '../helpers/cli.ts';
import { skipWithoutSp500, sp500Files } from '../helpers/shared-data.ts';
import { xgboostStatus } from '../../src/models/xgboost/index.ts';

/**
 * The daily loop as a user runs it on the real S&P 500 prices, with a model
 * trained on bars up to 2008-01-25 ("past", as the README's in-sample section
 * suggests), so the sessions predicted below are out of sample. VIAC has no
 * bar for 2008-02-05 (one of the five sessions missing from its data).
 */
const UNIVERSE = ['AAPL', 'GE', 'JPM', 'KO', 'MSFT', 'PG', 'VIAC', 'XOM'];

interface Record {
  id: string;
  symbol: string;
  as_of: string;
  signals: { name: string; weight: number }[];
}

const readJsonl = (dir: string): Record[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.jsonl'))
        .sort()
        .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean))
        .map((line) => JSON.parse(line) as Record)
    : [];

function weightRows(db: string): { symbol: string; signal: string; weight: number }[] {
  const sqlite = new Database(db, { readonly: true });
  try {
    return sqlite
      .prepare('SELECT symbol, signal, weight FROM signal_weights ORDER BY symbol, signal')
      .all() as { symbol: string; signal: string; weight: number }[];
  } finally {
    sqlite.close();
  }
}

const noXgb = xgboostStatus().available ? false : 'libxgboost is not installed';

describe('the live loop on the real S&P 500 prices', { skip: skipWithoutSp500 || noXgb }, () => {
  const home = tempHome('mlx-live-');
  const predictions = path.join(home, 'predictions');
  const predict = (asOf: string, ...more: string[]) =>
    runMlx(['predict', '--model', 'past', '--as-of', asOf, '--no-fetch', '--json', ...more], {
      home,
    });
  type Check = { name: string; ok: boolean; detail: string; hint?: string };
  const doctorChecks = async (dir = home) => {
    const run = await runMlx(['doctor', '--json'], { home: dir });
    const result = JSON.parse(run.stdout) as {
      checks: Check[];
      ledger_problems: unknown[];
      freshness: {
        limit: number;
        newest_bar: string;
        sessions_behind: number;
        symbols: { symbol: string; last_bar: string; sessions_behind: number }[];
      } | null;
    };
    return { run, result, check: (name: string) => result.checks.find((c) => c.name === name) };
  };

  before(async () => {
    fs.writeFileSync(
      path.join(home, 'mlx.config.json'),
      JSON.stringify({
        universe: UNIVERSE,
        models: ['xgb'],
        train: { folds: 2, testSessions: 40, xgb: { rounds: 60, earlyStoppingRounds: 15 } },
      }),
    );
    const imported = await runMlx(['data', 'import', ...sp500Files(), '--quiet'], { home });
    assert.equal(imported.code, 0, imported.stderr);
    const trained = await runMlx(['train', '--until', '2008-01-25', '--name', 'past'], { home });
    assert.equal(trained.code, 0, trained.stderr);
  });

  it('predict --as-of D records D or refuses: a symbol without its bar, a weekend, no bars, the future', async () => {
    const hole = await predict('2008-02-05');
    assert.equal(hole.code, 3, hole.stderr);
    const recorded = JSON.parse(hole.stdout) as Record[];
    assert.deepEqual(
      recorded.map((r) => r.symbol),
      UNIVERSE.filter((s) => s !== 'VIAC'),
    );
    assert.ok(recorded.every((r) => r.as_of === '2008-02-05'));
    assert.match(
      hole.stderr,
      /VIAC: not predicted: no bar for 2008-02-05: the session is missing from its data \(bars 2008-02-04, then 2008-02-06\); refresh with mlx data fetch VIAC/,
    );
    const ledger = readJsonl(predictions);
    assert.equal(ledger.length, 7);

    const sunday = await predict('2008-02-03');
    assert.equal(sunday.code, 2, sunday.stderr);
    assert.match(
      JSON.parse(sunday.stdout).error.message,
      /2008-02-03 is not a trading session .*: the session before it is 2008-02-01, the one after 2008-02-04/,
    );
    const noBars = await predict('2021-04-22');
    assert.equal(noBars.code, 2, noBars.stderr);
    assert.match(noBars.stderr, /no bars for 2021-04-22 .*the newest stored bar is of 2021-04-21/);
    const future = await predict('2031-01-06');
    assert.equal(future.code, 2, future.stderr);
    assert.match(future.stderr, /2031-01-06 is in the future/);
    assert.equal((future.stderr.match(/\n/g) ?? []).length <= 3, true, future.stderr);
    assert.deepEqual(readJsonl(predictions), ledger, 'a refusal appends nothing');

    const next = await predict('2008-02-06');
    assert.equal(next.code, 0, next.stderr);
    assert.ok((JSON.parse(next.stdout) as Record[]).every((r) => r.as_of === '2008-02-06'));
  });

  it('explain finds a prediction made with predict --model past through --model', async () => {
    const run = await runMlx(
      ['explain', 'AAPL', '--as-of', '2008-02-05', '--model', 'past', '--json'],
      { home },
    );
    assert.equal(run.code, 0, run.stderr);
    const explained = JSON.parse(run.stdout) as { as_of: string; model: { name: string } };
    assert.equal(explained.as_of, '2008-02-05');
    assert.equal(explained.model.name, 'past');
    const without = await runMlx(['explain', 'AAPL', '--as-of', '2008-02-05'], { home });
    assert.equal(without.code, 2);
    assert.match(without.stderr, /no prediction of AAPL as of 2008-02-05 by model default/);
    assert.match(without.stderr, /--model past/);
  });

  it('doctor names due predictions left unverified; verify --since 7d scores them all and says so', async () => {
    const before = await doctorChecks();
    const verification = before.check('verification');
    assert.equal(verification?.ok, false, verification?.detail);
    assert.match(
      verification?.detail ?? '',
      /15 due prediction\(s\) unverified for more than 7 days \(targets 2008-02-12 to 2008-02-13\)/,
    );
    assert.match(verification?.hint ?? '', /mlx verify scores them/);

    const weekly = await runMlx(['verify', '--since', '7d', '--no-fetch', '--json'], { home });
    assert.equal(weekly.code, 0, weekly.stderr);
    assert.deepEqual(JSON.parse(weekly.stdout), [], 'nothing of 2008 is in the last 7 days');
    assert.match(
      weekly.stderr,
      /15 prediction\(s\) verified \(15 of them with a target outside --since 7d: scored, not listed/,
    );
    assert.equal(readJsonl(path.join(predictions, 'verifications')).length, 15);
    const again = await runMlx(['verify', '--since', '7d', '--no-fetch'], { home });
    assert.match(again.stderr, /0 prediction\(s\) verified, 0 not due yet, 15 already verified/);
    const after = await doctorChecks();
    assert.equal(after.check('verification')?.ok, true, after.check('verification')?.detail);
  });

  it('report --html works from the first verified sessions: a note where a chart lacks data', async () => {
    assert.equal((await runMlx(['verify', '--no-fetch'], { home })).code, 0);
    const file = path.join(home, 'tearsheet.html');
    const run = await runMlx(['report', '--since', '2008-01-01', '--html', file], { home });
    assert.equal(run.code, 0, run.stderr);
    const html = fs.readFileSync(file, 'utf8');
    assert.match(
      html,
      /No chart: needs verified predictions on at least 6 sessions \(an expanding rate starts once 5 are in\)/,
    );
    assert.ok((html.match(/<svg/g) ?? []).length >= 5, 'the charts that have their data draw');
    const json = JSON.parse((await runMlx(['report', '--all', '--json'], { home })).stdout);
    assert.equal(json.totals.verified, 15);
  });

  it('doctor checks freshness against staleSessions, per symbol and overall, naming the fix', async () => {
    const { run, result, check } = await doctorChecks();
    assert.equal(run.code, 1);
    const fresh = check('data freshness');
    assert.equal(fresh?.ok, false);
    assert.match(
      fresh?.detail ?? '',
      /newest bar 2021-04-21, \d+ session\(s\) behind the last close \d{4}-\d\d-\d\d; 8 of 8 symbol\(s\) more than staleSessions \(3\)/,
    );
    assert.match(fresh?.hint ?? '', /mlx data fetch/);
    assert.equal(result.freshness?.limit, 3);
    assert.deepEqual(
      result.freshness?.symbols.map((s) => s.symbol),
      UNIVERSE,
    );
    for (const s of result.freshness?.symbols ?? []) {
      assert.equal(s.last_bar, '2021-04-21');
      assert.ok(s.sessions_behind > 3);
    }
    // Freshness is the only thing wrong with this home.
    assert.deepEqual(
      result.checks.filter((c) => !c.ok).map((c) => c.name),
      ['data freshness'],
    );
  });

  it("a backtest starts from a new home's state: default weights, its own index; the home is not written", async () => {
    assert.equal((await runMlx(['verify', '--no-fetch'], { home })).code, 0);
    const homeWeights = weightRows(path.join(home, 'data', 'mlx.db'));
    assert.ok(
      homeWeights.some((w) => w.symbol === '*' && w.signal === 'xgb' && w.weight !== 1),
      'verify moved the home weights',
    );
    const ledgerBefore = [
      readJsonl(predictions),
      readJsonl(path.join(predictions, 'verifications')),
    ];
    const run = await runMlx(['backtest', '--from', '2008-03-03', '--to', '2008-03-14'], {
      home,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /missing from the ledger/);
    const arm = path.join(home, 'backtests', '2008-03-03_2008-03-14', 'adaptive');
    const armLedger = readJsonl(path.join(arm, 'predictions'));
    const first = armLedger.filter((r) => r.as_of === '2008-03-03');
    assert.equal(first.length, UNIVERSE.length);
    for (const record of first)
      for (const signal of record.signals.filter((s) => s.name === 'xgb'))
        assert.equal(signal.weight, 1, `${record.symbol}: the replay starts at the default`);
    // The arm's weight history is its own verifications' alone.
    const sqlite = new Database(path.join(arm, 'data', 'mlx.db'), { readonly: true });
    const changed = sqlite
      .prepare('SELECT DISTINCT prediction_id FROM weight_changes')
      .pluck()
      .all() as string[];
    const indexed = sqlite.prepare('SELECT id FROM prediction_index').pluck().all() as string[];
    sqlite.close();
    const own = new Set(armLedger.map((r) => r.id));
    assert.ok(changed.length > 0 && changed.every((id) => own.has(id)));
    assert.deepEqual(new Set(indexed), own);

    const armDoctor = await doctorChecks(arm);
    assert.deepEqual(armDoctor.result.ledger_problems, []);
    for (const name of ['predictions ledger', 'verifications ledger'])
      assert.equal(armDoctor.check(name)?.ok, true, armDoctor.check(name)?.detail);

    assert.deepEqual(weightRows(path.join(home, 'data', 'mlx.db')), homeWeights);
    assert.deepEqual(
      [readJsonl(predictions), readJsonl(path.join(predictions, 'verifications'))],
      ledgerBefore,
    );
  });
});
