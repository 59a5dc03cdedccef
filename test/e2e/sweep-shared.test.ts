import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runMlx, tempHome, type MlxRun } from '../helpers/cli.ts';
import { smallTrainingConfig } from '../helpers/loop.ts';
import { skipWithoutSp500, sp500Dir } from '../helpers/shared-data.ts';
import { before, describe, it } from '../helpers/suite.ts';

/**
 * The fault sweep's unsafe classes, end to end through the built mlx on eight
 * real stocks of ../shared/data/sp500: a model trained to February 2020
 * predicts 2 March 2020, then each fault is made by hand as the sweep made it.
 */
const STOCKS = ['AAPL', 'MSFT', 'KO', 'JPM', 'XOM', 'PG', 'GE', 'DUK'];
const AS_OF = '2020-03-02';

const json = <T>(run: MlxRun): T => JSON.parse(run.stdout) as T;

/** A copy of the prepared home for one fault. */
function copyOf(home: string): string {
  const copy = tempHome('mlx-sweep-case-');
  fs.cpSync(home, copy, { recursive: true });
  return copy;
}

function currentVersionDir(home: string): string {
  const model = path.join(home, 'models', 'default');
  return path.join(model, fs.readFileSync(path.join(model, 'CURRENT'), 'utf8').trim());
}

describe('the sweep on real stocks', { skip: skipWithoutSp500 }, () => {
  let home: string;
  let predicted: number;

  before(async () => {
    home = tempHome('mlx-sweep-');
    fs.writeFileSync(path.join(home, 'mlx.config.json'), JSON.stringify(smallTrainingConfig()));
    const files = STOCKS.map((s) => path.join(sp500Dir() as string, `${s}.csv`));
    assert.equal((await runMlx(['data', 'import', ...files], { home })).code, 0);
    const trained = await runMlx(['train', '--until', '2020-02-28'], { home });
    assert.equal(trained.code, 0, trained.stderr);
    const run = await runMlx(['predict', '--as-of', AS_OF, '--no-fetch', '--json'], { home });
    assert.equal(run.code, 0, run.stderr);
    predicted = json<unknown[]>(run).length;
    assert.equal(predicted, STOCKS.length);
    assert.equal((await runMlx(['verify', '--no-fetch'], { home })).code, 0);
  });

  it('B05: retrain, predict the same session again: nothing appended, verify and report count each stock once', async () => {
    const h = copyOf(home);
    assert.equal(
      (await runMlx(['train', '--until', '2020-02-28', '--promote', 'always'], { home: h })).code,
      0,
    );
    const again = await runMlx(['predict', '--as-of', AS_OF, '--no-fetch', '--json'], { home: h });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(json(again), []);
    assert.match(again.stderr, /already predicted for the session by another model version/);
    const report = json<{ totals: { verified: number } }>(
      await runMlx(['report', '--all', '--json'], { home: h }),
    );
    assert.equal(report.totals.verified, predicted);
  });

  it('E12, E20, E22: an edited line, forged verifications and a garbage line are named; figures do not move silently', async () => {
    const h = copyOf(home);
    const ledger = path.join(h, 'predictions', '2020-03.jsonl');
    const lines = fs.readFileSync(ledger, 'utf8').trim().split('\n');
    lines[2] = lines[2].replace(/"direction":"(up|down)"/, (_, d: string) =>
      d === 'up' ? '"direction":"down"' : '"direction":"up"',
    );
    fs.writeFileSync(ledger, `${lines.join('\n')}\ngarbage\n`);
    const vfile = path.join(
      h,
      'predictions',
      'verifications',
      fs
        .readdirSync(path.join(h, 'predictions', 'verifications'))
        .filter((f) => f.endsWith('.jsonl'))[0],
    );
    const forged = JSON.parse(fs.readFileSync(vfile, 'utf8').split('\n')[0]) as Record<
      string,
      unknown
    >;
    delete forged.digest;
    fs.appendFileSync(vfile, `${JSON.stringify({ ...forged, prediction_id: 'e'.repeat(24) })}\n`);
    const report = await runMlx(['report', '--all', '--json'], { home: h });
    const body = json<{ totals: { verified: number }; ledger: Record<string, number> }>(report);
    assert.equal(body.totals.verified, predicted);
    // Two breaks: the edited line, and the forged one (no digest after chained lines).
    assert.deepEqual(
      [body.ledger.skipped_lines, body.ledger.refused_verifications, body.ledger.chain_breaks],
      [1, 1, 2],
    );
    assert.match(report.stderr, /damaged ledger line\(s\) skipped/);
    const doctor = await runMlx(['doctor'], { home: h });
    assert.equal(doctor.code, 1);
    assert.match(doctor.stdout, /2020-03\.jsonl:3: its digest does not chain/);
    assert.match(doctor.stdout, /no prediction ledger line holds/);
  });

  it('F16, F21: a changed scaler is refused by predict and doctor; non-finite outputs are never recorded', async () => {
    const h = copyOf(home);
    const scaler = path.join(currentVersionDir(h), 'scaler.json');
    fs.writeFileSync(scaler, fs.readFileSync(scaler, 'utf8').replace(/(\d)\.(\d)/, '$1.9'));
    const run = await runMlx(['predict', '--as-of', '2020-03-03', '--no-fetch'], { home: h });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /scaler\.json: changed since the version was written/);
    assert.equal((await runMlx(['doctor'], { home: h })).code, 1);
    assert.ok(
      !fs.readFileSync(path.join(h, 'predictions', '2020-03.jsonl'), 'utf8').includes('2020-03-03'),
    );
  });

  it("H05, H06, H08: a reused pid is taken over, another host's lock names its age, a symlink is refused at once", async () => {
    const h = copyOf(home);
    const lock = path.join(h, '.mlx.lock');
    const old = new Date(Date.now() - 330 * 86_400_000).toISOString();
    fs.writeFileSync(
      lock,
      JSON.stringify({ pid: 1, host: os.hostname(), command: 'predict', started_at: old }),
    );
    assert.equal((await runMlx(['verify', '--no-fetch'], { home: h })).code, 0, 'pid reuse');
    fs.writeFileSync(
      lock,
      JSON.stringify({ pid: 7, host: 'elsewhere', command: 'predict', started_at: old }),
    );
    const held = await runMlx(['verify', '--no-fetch'], { home: h });
    assert.equal(held.code, 4);
    assert.match(held.stderr, /elsewhere.*330 days old/);
    assert.equal((await runMlx(['doctor', '--repair'], { home: h })).code, 4);
    // doctor still fails on stale data (the stocks end in 2021): the lock is what it cleared.
    const broken = await runMlx(['doctor', '--repair', '--break-lock', '--json'], { home: h });
    assert.notEqual(broken.code, 4);
    assert.equal(json<{ lock_cleared: boolean }>(broken).lock_cleared, true);
    assert.ok(!fs.existsSync(lock));
    fs.symlinkSync(path.join(h, 'nowhere'), lock);
    const link = await runMlx(['--wait', '30', 'verify', '--no-fetch'], { home: h });
    assert.equal(link.code, 1);
    assert.match(link.stderr, /is a symbolic link \(dangling\)/);
  });

  it('M02: every command with --home pointing nowhere exits 2 with the JSON error document', async () => {
    const nowhere = path.join(tempHome('mlx-sweep-m02-'), 'missing');
    for (const args of [
      ['data', 'ls'],
      ['models', 'ls'],
      ['doctor'],
      ['report'],
      ['predictions'],
    ]) {
      const run = await runMlx(['--home', nowhere, '--json', ...args], { home });
      assert.equal(run.code, 2, args.join(' '));
      assert.match(json<{ error: { message: string } }>(run).error.message, /no mlx home/);
    }
  });
});
