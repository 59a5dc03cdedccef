import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from '../helpers/suite.ts';
import { MLX_BIN, tempHome } from '../helpers/cli.ts';
import { xgboostStatus } from '../../src/models/xgboost/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PYTHON = process.env.MLX_PYTHON ?? '/usr/bin/python3';

/** Why the round trip cannot run here, or false when it can. */
function missing(): string | false {
  const status = xgboostStatus();
  if (!status.available) return `libxgboost is not installed: ${status.reason}`;
  const probe = spawnSync(PYTHON, ['-c', 'import dask.distributed, pandas, xgboost.dask'], {
    encoding: 'utf8',
  });
  if (probe.status !== 0)
    return `${PYTHON} cannot import dask.distributed, pandas and xgboost (bash scripts/setup.sh --with-dask)`;
  return false;
}

/** The README's distributed recipe: the sh block that runs scripts/dask-roundtrip.sh. */
function readmeRecipe(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((m) => m[1])
    .find((b) => b.includes('scripts/dask-roundtrip.sh'));
  assert.ok(block, 'the README has an sh block running scripts/dask-roundtrip.sh');
  return block;
}

/** `mlx` and `node` on a PATH, as `npm link` leaves them. */
function linkedBin(): string {
  const bin = tempHome('mlx-bin-');
  fs.symlinkSync(MLX_BIN, path.join(bin, 'mlx'));
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  return bin;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

interface PredictionRecord {
  id: string;
  symbol: string;
  model: { name: string; version: string };
}

describe(
  'the README distributed round trip: export, xgboost.dask, models import, predict',
  { skip: missing() },
  () => {
    let user = '';
    let run: ReturnType<typeof spawnSync>;
    let home = '';
    let work = '';

    before(() => {
      // The recipe's ~ is this folder; it runs from the clone, as the README says.
      user = tempHome('mlx-dask-user-');
      const recipe = readmeRecipe();
      const { stdout } = spawnSync('git', ['status', '--porcelain'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      run = spawnSync('bash', ['-euo', 'pipefail', '-c', recipe], {
        cwd: ROOT,
        env: { HOME: user, PATH: `${linkedBin()}:/usr/bin:/bin`, NO_COLOR: '1' },
        encoding: 'utf8',
        timeout: 180_000,
      });
      const status = spawnSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' });
      // Dask's worker scratch space goes to a temporary folder, never into the clone.
      assert.equal(status.stdout, stdout, 'the round trip left files in the clone');
      const homes = fs
        .readdirSync(user)
        .filter((name) => fs.existsSync(path.join(user, name, 'data', 'mlx.db')));
      assert.equal(homes.length, 1, `the recipe makes one home under ~: ${homes.join(', ')}`);
      home = path.join(user, homes[0]);
      work = path.join(home, 'dask-roundtrip');
    });

    after(() => fs.rmSync(user, { recursive: true, force: true }));

    it('runs as written: every command exits 0', () => {
      assert.equal(run.status, 0, `${run.stderr}`);
      assert.match(`${run.stderr}`, /dask-train: [\d,]+ training rows/);
    });

    it('Dask trains on the version’s own training rows, on two workers bound to 127.0.0.1', () => {
      const like = readJson<{ manifest: { training_rows: number } }>(path.join(work, 'like.json'));
      const trained = readJson<{
        training_rows: number;
        window: { validation: { from: string; to: string } };
        workers: string[];
      }>(path.join(work, 'dask-train.json'));
      const imported = readJson<{ validation: { from: string; to: string } }>(
        path.join(work, 'import.json'),
      );
      assert.equal(trained.training_rows, like.manifest.training_rows);
      // The window the head is refitted on is the one the booster was kept away from.
      assert.deepEqual(trained.window.validation, {
        from: imported.validation.from,
        to: imported.validation.to,
      });
      assert.equal(trained.workers.length, 2);
      for (const worker of trained.workers) assert.match(worker, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    });

    it('the imported version is promoted, holds the Dask booster, and its predictions are appended', () => {
      const like = readJson<{ version: string }>(path.join(work, 'like.json'));
      const imported = readJson<{ name: string; version: string; promoted: boolean }>(
        path.join(work, 'import.json'),
      );
      assert.notEqual(imported.version, like.version);
      assert.equal(imported.promoted, true);
      const modelDir = path.join(home, 'models', imported.name);
      assert.equal(
        fs.readFileSync(path.join(modelDir, 'CURRENT'), 'utf8').trim(),
        imported.version,
      );
      const manifest = readJson<{ imported: { sha256: string; like: { version: string } } }>(
        path.join(modelDir, imported.version, 'manifest.json'),
      );
      const booster = fs.readFileSync(path.join(work, 'xgb.json'));
      assert.equal(
        manifest.imported.sha256,
        crypto.createHash('sha256').update(booster).digest('hex'),
      );
      assert.equal(manifest.imported.like.version, like.version);
      // Input names only a booster trained on the export's columns has.
      const saved = readJson<{ learner: { feature_names: string[] } }>(
        path.join(modelDir, imported.version, 'xgb.json'),
      );
      assert.equal(saved.learner.feature_names[0], 'ret_1_scaled');
      assert.ok(saved.learner.feature_names.at(-1)?.endsWith('_cs_rank'));

      // The last command prints what predict appended: one line of JSON.
      const printed = JSON.parse(
        `${run.stdout}`.trim().split('\n').at(-1) ?? '',
      ) as PredictionRecord[];
      assert.equal(printed.length, 6);
      const ledgerDir = path.join(home, 'predictions');
      const ledger = fs
        .readdirSync(ledgerDir)
        .filter((f) => f.endsWith('.jsonl'))
        .flatMap((f) => fs.readFileSync(path.join(ledgerDir, f), 'utf8').trim().split('\n'))
        .map((line) => JSON.parse(line) as PredictionRecord);
      assert.deepEqual(ledger.map((r) => r.id).sort(), printed.map((r) => r.id).sort());
      for (const record of ledger)
        assert.deepEqual(
          { name: record.model.name, version: record.model.version },
          { name: imported.name, version: imported.version },
        );
    });

    it('dask-train.py refuses an export without the version’s inputs (exit 2, naming the column)', () => {
      const csv = path.join(work, 'no-inputs.csv');
      fs.writeFileSync(csv, 'symbol,date,label\nSYN001,2021-01-04,0.5\n');
      const refused = spawnSync(
        PYTHON,
        [
          path.join(ROOT, 'scripts/dask-train.py'),
          csv,
          path.join(work, 'no.json'),
          '5',
          '--like',
          path.join(work, 'like.json'),
        ],
        { encoding: 'utf8' },
      );
      assert.equal(refused.status, 2, refused.stderr);
      assert.match(
        refused.stderr,
        /lacks \d+ of the version's input columns \(first: ret_1_scaled\)/,
      );
      assert.equal(refused.stdout, '');
      assert.ok(!fs.existsSync(path.join(work, 'no.json')));
    });
  },
);

describe('dask-roundtrip.sh without Dask', () => {
  it('exits 1 naming the set-up option that installs it', () => {
    const home = tempHome();
    const ran = spawnSync('bash', [path.join(ROOT, 'scripts/dask-roundtrip.sh'), home], {
      encoding: 'utf8',
      env: { ...process.env, MLX_PYTHON: '/nonexistent/python3' },
    });
    assert.equal(ran.status, 1, ran.stderr);
    assert.match(ran.stderr, /bash scripts\/setup\.sh --with-dask/);
    assert.equal(ran.stdout, '');
  });
});
