import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { doctor } from '../../src/commands/doctor.ts';
import { predict } from '../../src/commands/predict.ts';
import { train } from '../../src/commands/train.ts';
import { buildReport } from '../../src/commands/report.ts';
import { listPredictions } from '../../src/commands/predictions.ts';
import { verify } from '../../src/commands/verify.ts';
import type { Context } from '../../src/context.ts';
import { DataError } from '../../src/errors.ts';
import { tempHome } from '../helpers/cli.ts';
import { syntheticHome } from '../helpers/loop.ts';
import { withRawDb } from '../helpers/raw-db.ts';
import { testContext } from '../helpers/context.ts';

/**
 * A home that checks itself, on a small trained model: one prediction per
 * stock and session whatever version is promoted (B05), model files checked
 * on load (F16–F18), non-finite outputs refused (F21, F22), edited and forged
 * ledger lines found (E12, E20), weights replayed in verification order (E21),
 * and readers that say what they skip (E22).
 */
const TRAINED_UNTIL = '2021-10-29';
const AS_OF = '2021-11-01';

function copyHome(ctx: Context): Context & { lines: string[] } {
  const root = tempHome('mlx-integrity-');
  fs.cpSync(ctx.home.root, root, { recursive: true });
  return testContext({ home: root, now: ctx.now().toISOString(), config: ctx.config });
}

function currentDir(ctx: Context): string {
  const modelDir = path.join(ctx.home.modelsDir, 'default');
  return path.join(modelDir, fs.readFileSync(path.join(modelDir, 'CURRENT'), 'utf8').trim());
}

/** SHA-256 and size of every file but the manifest, as the registry records them (by relative path). */
function checksumFiles(dir: string, prefix = ''): Record<string, { sha256: string; size: number }> {
  const files: Record<string, { sha256: string; size: number }> = {};
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(files, checksumFiles(dir, relative));
    else if (relative !== 'manifest.json') {
      const bytes = fs.readFileSync(path.join(dir, relative));
      files[relative] = {
        sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
        size: bytes.length,
      };
    }
  }
  return files;
}

/** Rewrite the manifest's checksums after a change, as a model that is whole but degenerate would have them. */
function reseal(dir: string): void {
  const file = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  manifest.files = checksumFiles(dir);
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
}

describe('a home that checks itself', () => {
  let base: Context & { lines: string[] };
  let firstVersion: string;

  before(async () => {
    base = await syntheticHome(6, 11);
    const trained = await train(base, { promote: 'auto', until: TRAINED_UNTIL, jobs: 1 });
    firstVersion = trained.version;
  });

  it('B05: a second predict for a session, after a retrain promoted another version, appends nothing and names the version', async () => {
    const ctx = copyHome(base);
    const first = await predict(ctx, { asOf: AS_OF, fetch: false, allowStale: false });
    assert.ok(first.appended.length > 0);
    const retrained = await train(ctx, { promote: 'always', until: TRAINED_UNTIL, jobs: 1 });
    assert.notEqual(retrained.version, firstVersion);
    const again = await predict(ctx, { asOf: AS_OF, fetch: false, allowStale: false });
    assert.equal(again.model.version, retrained.version);
    assert.equal(again.appended.length, 0);
    assert.equal(again.already.length, first.appended.length);
    assert.ok(again.already.every((a) => a.model.version === firstVersion));
    const listed = listPredictions(ctx, { asOf: AS_OF });
    assert.equal(listed.predictions.length, first.appended.length);

    // --replace appends records that supersede, and readers count each stock once.
    const replaced = await predict(ctx, {
      asOf: AS_OF,
      fetch: false,
      allowStale: false,
      replace: true,
    });
    assert.equal(replaced.appended.length, first.appended.length);
    assert.ok(replaced.appended.every((r) => r.supersedes !== undefined));
    const after = listPredictions(ctx, { asOf: AS_OF });
    assert.equal(after.predictions.length, first.appended.length);
    assert.ok(after.predictions.every((p) => p.model.version === retrained.version));
    const verified = await verify(ctx, { dryRun: false, fetch: false });
    assert.equal(verified.verified.length, first.appended.length);
    const report = await buildReport(ctx, { since: '2021-01-01' });
    assert.equal(report.totals.verified, first.appended.length);
  });

  const damaged: [string, (dir: string) => void][] = [
    [
      'F16: every number in scaler.json ×3',
      (dir) => {
        const file = path.join(dir, 'scaler.json');
        const text = fs.readFileSync(file, 'utf8');
        fs.writeFileSync(
          file,
          text.replace(/-?\d+\.\d+(e-?\d+)?/g, (n) => String(Number(n) * 3)),
        );
      },
    ],
    [
      "F17: xgb.json replaced by another version's booster",
      (dir) => {
        const file = path.join(dir, 'xgb.json');
        const model = JSON.parse(fs.readFileSync(file, 'utf8')) as {
          learner: { learner_model_param: { base_score: string } };
        };
        model.learner.learner_model_param.base_score = '1E-1';
        fs.writeFileSync(file, JSON.stringify(model));
      },
    ],
    [
      'F18: lstm/weights.bin overwritten with random bytes of the same size',
      (dir) => {
        const file = path.join(dir, 'lstm', 'weights.bin');
        const size = fs.statSync(file).size;
        fs.writeFileSync(file, Buffer.from(Array.from({ length: size }, (_, i) => (i * 37) % 256)));
      },
    ],
  ];
  for (const [name, damage] of damaged) {
    it(`${name}: predict refuses the version naming the file, and doctor fails`, async () => {
      const ctx = copyHome(base);
      damage(currentDir(ctx));
      await assert.rejects(
        () => predict(ctx, { asOf: AS_OF, fetch: false, allowStale: false }),
        (err: Error) =>
          err instanceof DataError && /changed since the version was written/.test(err.message),
      );
      assert.ok(!fs.existsSync(ctx.home.predictionsDir), 'nothing was recorded');
      const checked = await doctor(ctx, { repair: false, reindex: false });
      const model = checked.checks.find((c) => c.name === 'model default');
      assert.equal(model?.ok, false);
      assert.match(model?.detail ?? '', /changed since the version was written/);
    });
  }

  it('a version written before checksums still loads, and doctor says it is unchecked', async () => {
    const ctx = copyHome(base);
    const file = path.join(currentDir(ctx), 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    delete manifest.files;
    fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
    const result = await predict(ctx, { asOf: AS_OF, fetch: false, allowStale: false });
    assert.ok(result.appended.length > 0);
    const checked = await doctor(ctx, { repair: false, reindex: false });
    assert.match(checked.checks.find((c) => c.name === 'model default')?.detail ?? '', /unchecked/);
  });

  it('CURRENT naming a folder outside the model is refused', async () => {
    const ctx = copyHome(base);
    const elsewhere = path.join(ctx.home.root, 'elsewhere');
    fs.cpSync(currentDir(ctx), elsewhere, { recursive: true });
    fs.writeFileSync(path.join(ctx.home.modelsDir, 'default', 'CURRENT'), '../../elsewhere\n');
    await assert.rejects(
      () => predict(ctx, { asOf: AS_OF, fetch: false, allowStale: false }),
      /not a version folder/,
    );
  });

  const degenerate: [string, (dir: string) => void, RegExp][] = [
    [
      'F21: LSTM weights set to NaN',
      (dir) => {
        const file = path.join(dir, 'lstm', 'weights.bin');
        const nan = new Float32Array(fs.statSync(file).size / 4).fill(Number.NaN);
        fs.writeFileSync(file, Buffer.from(nan.buffer));
      },
      /the lstm component is NaN \(from .*lstm\/weights\.bin\)/,
    ],
    [
      'F22: base_score 1E400 in xgb.json',
      (dir) => {
        const file = path.join(dir, 'xgb.json');
        const text = fs.readFileSync(file, 'utf8');
        fs.writeFileSync(file, text.replace(/"base_score":"[^"]*"/, '"base_score":"1E400"'));
      },
      /the xgb component is (-?Infinity|NaN) \(from .*xgb\.json\)/,
    ],
  ];
  for (const [name, damage, reason] of degenerate) {
    it(`${name}: nothing is recorded, each stock is refused naming the component and the file`, async () => {
      const ctx = copyHome(base);
      const dir = currentDir(ctx);
      damage(dir);
      reseal(dir);
      const result = await predict(ctx, { asOf: AS_OF, fetch: false, allowStale: false });
      assert.equal(result.appended.length, 0);
      assert.ok(result.failures.length > 0);
      for (const failure of result.failures) assert.match(failure.reason, reason);
      const ledger = path.join(ctx.home.predictionsDir, '2021-11.jsonl');
      assert.ok(!fs.existsSync(ledger) || fs.readFileSync(ledger, 'utf8') === '');
    });
  }

  it('records already appended are reported as such when the index fails after the append', async () => {
    const ctx = copyHome(base);
    withRawDb(ctx.home.db, (db) =>
      db.exec(
        "CREATE TRIGGER full BEFORE INSERT ON prediction_index BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;",
      ),
    );
    const result = await predict(ctx, { asOf: AS_OF, fetch: false, allowStale: false });
    assert.equal(result.appended.length, 6);
    assert.ok(ctx.lines.some((l) => /6 prediction\(s\) are in the ledger, but the index/.test(l)));
    withRawDb(ctx.home.db, (db) => db.exec('DROP TRIGGER full'));
    // The next writer catches the index up; a rerun appends nothing.
    assert.equal(
      (await predict(ctx, { asOf: AS_OF, fetch: false, allowStale: false })).appended.length,
      0,
    );
  });

  it('predictions carry a digest chained line to line', async () => {
    const ctx = copyHome(base);
    await predict(ctx, { asOf: AS_OF, fetch: false, allowStale: false });
    const lines = fs
      .readFileSync(path.join(ctx.home.predictionsDir, '2021-11.jsonl'), 'utf8')
      .trim()
      .split('\n');
    for (const line of lines) assert.match(line, /,"digest":"[0-9a-f]{32}"\}$/);
  });
});
