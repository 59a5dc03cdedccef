import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { cliSyntheticHome } from '../helpers/loop.ts';
import { MLX_BIN, runMlx, tempHome } from '../helpers/cli.ts';

function ledgerLines(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean));
}

/** Start mlx, SIGKILL it after `afterMs`, and wait for it to die. */
function killAfter(args: string[], home: string, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MLX_BIN, ...args], {
      cwd: home,
      env: { ...process.env, MLX_HOME: undefined },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('mlx train / predict / verify as a user runs them', () => {
  const home = tempHome();

  before(async () => {
    await cliSyntheticHome(home, { count: 8, seed: 11, to: '2021-12-31' });
    // Trained on data before the sessions predicted below: their outcomes are out of sample.
    const trained = await runMlx(['train', '--until', '2021-10-29', '--json'], { home });
    assert.equal(trained.code, 0, trained.stderr);
    const summary = JSON.parse(trained.stdout);
    assert.ok(summary.metrics.ensemble && summary.metrics.always_up, 'metrics next to baselines');
    assert.equal(summary.promoted, true);
  });

  it('models show prints what each walk-forward fold ran and scored, from metrics.json', async () => {
    const json = await runMlx(['models', 'show', '--json'], { home });
    assert.equal(json.code, 0, json.stderr);
    const detail = JSON.parse(json.stdout) as {
      folds: {
        xgb?: { best_iteration: number; rounds_run: number };
        lstm?: { epochs_run: number; samples: number };
        ensemble_rank_ic: number | null;
        coverage: number | null;
      }[];
    };
    assert.equal(detail.folds.length, 3);
    for (const fold of detail.folds) {
      assert.ok(fold.lstm && fold.lstm.epochs_run >= 1 && fold.lstm.samples > 0);
      assert.ok(fold.xgb === undefined || fold.xgb.best_iteration <= fold.xgb.rounds_run);
      assert.equal(typeof fold.coverage, 'number');
    }
    const text = await runMlx(['models', 'show'], { home });
    assert.match(text.stdout, /walk-forward folds/);
    const header = text.stdout.split('\n').find((l) => l.startsWith('fold'));
    assert.match(
      header ?? '',
      /xgb best\/run +lstm epochs +lstm samples +Rank IC +dir\. acc +coverage/,
    );
    const rows = text.stdout.split('\n').filter((l) => /^ *[0-2] +\d{4}-\d{2}-\d{2} → /.test(l));
    assert.equal(rows.length, 3);
    assert.match(text.stdout, /final fit: .*LSTM \d+ epochs on \d+ samples/);
  });

  it('predict --json prints exactly the array of new records; a rerun is a no-op that says so', async () => {
    const first = await runMlx(['predict', '--as-of', '2021-11-10', '--no-fetch', '--json'], {
      home,
    });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout).length, 8);
    const again = await runMlx(['predict', '--as-of', '2021-11-10', '--no-fetch', '--json'], {
      home,
    });
    assert.equal(again.code, 0);
    assert.deepEqual(JSON.parse(again.stdout), []);
    assert.match(again.stderr, /8 already in the ledger/);
  });

  it('predict --as-of inside the training data exits 2 and appends nothing; --allow-in-sample marks it', async () => {
    const refused = await runMlx(['predict', '--as-of', '2021-10-15', '--no-fetch', '--json'], {
      home,
    });
    assert.equal(refused.code, 2);
    assert.match(JSON.parse(refused.stdout).error.message, /refusing an in-sample prediction/);
    assert.match(refused.stderr, /mlx backtest/);
    assert.ok(
      ledgerLines(path.join(home, 'predictions')).every((l) => !l.includes('"2021-10-15"')),
    );
    const allowed = await runMlx(
      ['predict', '--as-of', '2021-10-15', '--no-fetch', '--allow-in-sample', '--json'],
      { home },
    );
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.ok((JSON.parse(allowed.stdout) as { in_sample: boolean }[]).every((r) => r.in_sample));
  });

  it('predict --json where every symbol fails (stale data today) prints the error document, exit 1', async () => {
    const run = await runMlx(['predict', '--no-fetch', '--json'], { home });
    assert.equal(run.code, 1);
    const error = JSON.parse(run.stdout).error;
    assert.match(error.message, /no symbol could be predicted \(8 failed; SYN001: stale data/);
    assert.match(run.stderr, /SYN008: not predicted: stale data/);
  });

  it('ten predicts started together leave one set of records and no torn line', async () => {
    const runs = await Promise.all(
      Array.from({ length: 10 }, () =>
        runMlx(['predict', '--as-of', '2021-11-11', '--no-fetch'], { home }),
      ),
    );
    for (const run of runs)
      assert.ok(run.code === 0 || run.code === 4, `${run.code}: ${run.stderr}`);
    for (const run of runs.filter((r) => r.code === 4))
      assert.match(run.stderr, /another mlx process holds the lock/);
    const lines = ledgerLines(path.join(home, 'predictions'));
    const records = lines.map((l) => JSON.parse(l));
    assert.equal(records.filter((r) => r.as_of === '2021-11-11').length, 8);
  });

  it('a predict killed with SIGKILL at any moment leaves every ledger line parseable', async () => {
    for (const [i, afterMs] of [150, 600, 1200, 2000].entries()) {
      await killAfter(['predict', '--as-of', `2021-11-1${5 + i}`, '--no-fetch'], home, afterMs);
      for (const line of ledgerLines(path.join(home, 'predictions'))) JSON.parse(line);
    }
    // The lock of a killed process is taken over; a rerun completes the sessions.
    for (let i = 0; i < 4; i++) {
      const rerun = await runMlx(['predict', '--as-of', `2021-11-1${5 + i}`, '--no-fetch'], {
        home,
      });
      assert.equal(rerun.code, 0, rerun.stderr);
    }
    const records = ledgerLines(path.join(home, 'predictions')).map((l) => JSON.parse(l));
    assert.equal(new Set(records.map((r) => r.id)).size, records.length, 'no duplicate ids');
  });

  it('SIGKILL during verify, then a rerun: each prediction has exactly one verification', async () => {
    await killAfter(['verify', '--no-fetch'], home, 900);
    const rerun = await runMlx(['verify', '--no-fetch', '--json'], { home });
    assert.equal(rerun.code, 0, rerun.stderr);
    const verifications = ledgerLines(path.join(home, 'predictions', 'verifications')).map((l) =>
      JSON.parse(l),
    );
    const predictions = ledgerLines(path.join(home, 'predictions')).map((l) => JSON.parse(l));
    assert.equal(verifications.length, predictions.length);
    assert.equal(new Set(verifications.map((v) => v.prediction_id)).size, verifications.length);
    const doctor = await runMlx(['doctor', '--json'], { home });
    const report = JSON.parse(doctor.stdout);
    assert.deepEqual(report.ledger_problems, []);
  });

  it('a torn last ledger line is reported by doctor and moved aside by --repair, never lost', async () => {
    const file = path.join(home, 'predictions', '2021-11.jsonl');
    fs.appendFileSync(file, '{"schema":"mlx.prediction/1","id":"torn');
    const check = await runMlx(['doctor'], { home });
    assert.equal(check.code, 1);
    assert.match(check.stdout, /torn/);
    const repair = await runMlx(['doctor', '--repair', '--json'], { home });
    assert.equal(JSON.parse(repair.stdout).repaired.length, 1);
    const quarantined = fs.readdirSync(path.join(home, 'predictions', 'quarantine'));
    assert.equal(quarantined.length, 1);
    assert.match(
      fs.readFileSync(path.join(home, 'predictions', 'quarantine', quarantined[0]), 'utf8'),
      /"id\\":\\"torn/,
    );
    for (const line of ledgerLines(path.join(home, 'predictions'))) JSON.parse(line);
  });
});

describe('mlx train without libxgboost', () => {
  it('trains the LSTM and rules with one warning; --models xgb exits 2 naming the install command', async () => {
    const home = tempHome();
    await cliSyntheticHome(home, { count: 6, seed: 3, to: '2021-06-30' });
    const env = { MLX_XGBOOST_LIB: '/nonexistent/libxgboost.so' };
    const trained = await runMlx(['train', '--json'], { home, env });
    assert.equal(trained.code, 0, trained.stderr);
    assert.deepEqual(JSON.parse(trained.stdout).models, ['lstm']);
    assert.equal(trained.stderr.match(/warning:/g)?.length, 1);
    assert.match(trained.stderr, /XGBoost skipped/);
    const xgbOnly = await runMlx(['train', '--models', 'xgb'], { home, env });
    assert.equal(xgbOnly.code, 2);
    assert.match(xgbOnly.stderr, /apt-get install libxgboost-dev/);
  });
});

describe('mlx demo', () => {
  it('runs the whole loop offline in the given home and says where everything went', async () => {
    const home = tempHome('mlx-demo-test-');
    const run = await runMlx(['demo', '--symbols', '6', '--json'], {
      home,
      env: { MLX_HOME: home },
    });
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.home, home);
    assert.equal(result.synthetic, true);
    assert.ok(result.predictions >= 6 * 59, String(result.predictions));
    assert.ok(result.verified > 0);
    assert.ok(result.train.metrics.ensemble && result.train.metrics.always_up);
    assert.ok(fs.existsSync(result.html));
    assert.ok(fs.readdirSync(path.join(home, 'predictions')).some((f) => f.endsWith('.jsonl')));
    assert.match(run.stderr, /demo home:/);
  });
});
