import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { calendarFor } from '../../src/calendar/index.ts';
import { doctor } from '../../src/commands/doctor.ts';
import { predict } from '../../src/commands/predict.ts';
import { train } from '../../src/commands/train.ts';
import { verify } from '../../src/commands/verify.ts';
import type { Context } from '../../src/context.ts';
import { DataError, UsageError } from '../../src/errors.ts';
import { predictionSchema, publishedSchema, verificationSchema } from '../../src/ledger/records.ts';
import { manifestSchema } from '../../src/registry/manifest.ts';
import { withRawDb } from '../helpers/raw-db.ts';
import { syntheticHome } from '../helpers/loop.ts';
import { tempHome } from '../helpers/cli.ts';
import { homePaths, type HomePaths } from '../../src/home.ts';
import { weightsOf } from '../helpers/ledger.ts';

const schemasDir = path.resolve(import.meta.dirname, '../../docs/schemas');
const TRAINED_UNTIL = '2021-10-29';

/** A copy of the home (store and models, no ledgers), optionally without any bar after `until`. */
function copyHome(ctx: Context, until: string, truncate: boolean): HomePaths {
  const root = tempHome('mlx-copy-');
  fs.cpSync(ctx.home.dataDir, path.join(root, 'data'), { recursive: true });
  fs.cpSync(ctx.home.modelsDir, path.join(root, 'models'), { recursive: true });
  if (truncate) {
    withRawDb(path.join(root, 'data', 'mlx.db'), (db) =>
      db.prepare('DELETE FROM bars WHERE date > ?').run(until),
    );
  }
  return homePaths(root);
}

describe('train → predict → verify on a seeded synthetic market', () => {
  let ctx: Context & { lines: string[] };
  let trained: Awaited<ReturnType<typeof train>>;

  before(async () => {
    ctx = await syntheticHome();
    // Trained on data before the sessions predicted below: their outcomes are out of sample.
    trained = await train(ctx, { promote: 'auto', until: TRAINED_UNTIL });
  });

  it('writes a complete, valid model folder and promotes the first version', () => {
    for (const file of [
      'manifest.json',
      'metrics.json',
      'feature_importance.json',
      'scaler.json',
      'xgb.json',
      'lstm/model.json',
      'lstm/weights.bin',
    ]) {
      assert.ok(fs.existsSync(path.join(trained.dir, file)), file);
    }
    const manifest = manifestSchema.parse(
      JSON.parse(fs.readFileSync(path.join(trained.dir, 'manifest.json'), 'utf8')),
    );
    assert.deepEqual(manifest.models, ['xgb', 'lstm']);
    assert.ok(manifest.libraries.xgboost && manifest.libraries.tfjs_backend);
    assert.equal(
      fs.readFileSync(path.join(ctx.home.modelsDir, 'default', 'CURRENT'), 'utf8').trim(),
      trained.version,
    );
    assert.ok(trained.promoted);
  });

  it('scores every model and every baseline on the same out-of-sample rows, all on disk in oos.csv', () => {
    const metrics = JSON.parse(fs.readFileSync(path.join(trained.dir, 'metrics.json'), 'utf8'));
    const names = [
      'ensemble',
      'xgb',
      'lstm',
      'rules',
      'reversal_5',
      'momentum_60',
      'low_vol_20',
      'zero_change',
      'always_up',
      'momentum',
    ];
    assert.deepEqual(Object.keys(metrics.walk_forward).sort(), [...names].sort());
    const rows = new Set(names.map((n) => metrics.walk_forward[n].rows));
    assert.equal(rows.size, 1, 'same rows for all');
    assert.equal(metrics.label, 'cs_rank');
    assert.equal(metrics.folds.length, 3);
    const horizon = ctx.config.horizonDays;
    // Sessions strictly between two dates: the purge gap.
    const gap = (from: string, to: string) =>
      calendarFor('US').sessionsBetween(from, to).length - 2;
    for (const fold of metrics.folds) {
      // Purge: at least the horizon's sessions between the rows fitted and the rows judged
      // (a label at d reaches d + h), so no label window overlaps the next part.
      assert.ok(gap(fold.validation.to, fold.test.from) >= horizon, 'validation → test');
      assert.ok(gap(fold.train.to, fold.validation.from) >= horizon, 'train → validation');
      assert.ok(fold.coverage > 0 && fold.coverage <= 1);
      const weights = Object.values(fold.ensemble.weights) as number[];
      assert.ok(Math.abs(weights.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    }
    assert.ok(metrics.verdicts.some((v: string) => v.startsWith('ensemble: Rank IC')));
    assert.ok(metrics.verdicts.some((v: string) => v.startsWith('80% interval covers')));
    assert.equal(metrics.walk_forward.zero_change.directional_accuracy, null);
    assert.equal(metrics.walk_forward.low_vol_20.mae, null, 'a factor only ranks');
    const oos = fs.readFileSync(path.join(trained.dir, 'oos.csv'), 'utf8').trim().split('\n');
    assert.equal(oos.length - 1, [...rows][0]);
    assert.match(oos[0], /^symbol,as_of,fold,ensemble,xgb,lstm,rules,predicted_log_return,/);
  });

  it('with train.trainSessions, every fit reads only its window: folds, final fit and manifest', async () => {
    const windowed = {
      ...ctx,
      config: { ...ctx.config, train: { ...ctx.config.train, trainSessions: 150 } },
    };
    const run = await train(windowed, { promote: 'never', until: TRAINED_UNTIL, models: ['xgb'] });
    const read = (file: string) => JSON.parse(fs.readFileSync(path.join(run.dir, file), 'utf8'));
    const sessions = (from: string, to: string) =>
      calendarFor('US').sessionsBetween(from, to).length;
    const expanding = JSON.parse(
      fs.readFileSync(path.join(trained.dir, 'metrics.json'), 'utf8'),
    ).folds;
    for (const [k, fold] of read('metrics.json').folds.entries()) {
      // The window: the 150 sessions up to the validation slice's last, which ends as before.
      assert.equal(fold.validation.to, expanding[k].validation.to);
      assert.equal(sessions(fold.train.from, fold.validation.to), 150, `fold ${k}`);
      assert.ok(fold.train.rows < expanding[k].train.rows);
    }
    const manifest = read('manifest.json');
    assert.equal(manifest.params.walk_forward.train_sessions, 150);
    assert.ok(run.training_rows < trained.training_rows);
    assert.equal(manifest.training_rows, run.training_rows);
  });

  it('is reproducible: the same data, config and seed give a byte-identical xgb.json and equal metrics', async () => {
    const again = await train(ctx, { promote: 'never', until: TRAINED_UNTIL });
    const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
    assert.equal(read(again.dir, 'xgb.json'), read(trained.dir, 'xgb.json'));
    assert.deepEqual(
      JSON.parse(read(again.dir, 'metrics.json')),
      JSON.parse(read(trained.dir, 'metrics.json')),
    );
    assert.equal(again.promoted, false);
  });

  it('predicts past sessions once each; records validate against the published schema', async () => {
    const ajv = new Ajv2020({ allErrors: true });
    const validate = ajv.compile(
      JSON.parse(fs.readFileSync(path.join(schemasDir, 'prediction.schema.json'), 'utf8')),
    );
    const sessions = [
      '2021-11-01',
      '2021-11-02',
      '2021-11-03',
      '2021-11-04',
      '2021-11-05',
      '2021-11-08',
    ];
    for (const asOf of sessions) {
      const result = await predict(ctx, { asOf, fetch: false, allowStale: false });
      assert.equal(result.appended.length, 8, JSON.stringify(result.failures));
      for (const record of result.appended) {
        assert.ok(validate(record), JSON.stringify(validate.errors));
        assert.equal(record.as_of, asOf);
        assert.equal(record.schema, 'mlx.prediction/2');
        assert.equal(record.direction, record.probability_up >= 0.5 ? 'up' : 'down');
      }
      // Excess is measured against the session's cross-section: it sums to about zero.
      const excess = result.appended.map((r) =>
        r.schema === 'mlx.prediction/2' ? r.expected_excess_pct : NaN,
      );
      assert.ok(
        Math.abs(excess.reduce((a, b) => a + b, 0)) < 0.01 * result.appended.length,
        `${excess}`,
      );
    }
    const rerun = await predict(ctx, { asOf: '2021-11-01', fetch: false, allowStale: false });
    assert.equal(rerun.appended.length, 0);
    assert.equal(rerun.already_recorded, 8);
    const lines = fs
      .readFileSync(path.join(ctx.home.predictionsDir, '2021-11.jsonl'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(lines.length, 6 * 8);
  });

  it('uses only data up to --as-of: the same record from a store truncated at that session', async () => {
    const asOf = '2021-11-02';
    const full = (
      await predict(
        { ...ctx, home: copyHome(ctx, asOf, false) },
        { asOf, fetch: false, allowStale: true },
      )
    ).appended;
    const truncated = (
      await predict(
        { ...ctx, home: copyHome(ctx, asOf, true) },
        { asOf, fetch: false, allowStale: true },
      )
    ).appended;
    assert.equal(full.length, 8);
    const strip = (records: typeof full) =>
      records.map(({ created_at: _created, ...rest }) => rest);
    const close = (a: unknown, b: unknown): boolean =>
      typeof a === 'number' && typeof b === 'number'
        ? Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a))
        : typeof a === 'object' && a !== null && b !== null && typeof b === 'object'
          ? Object.keys(a).length === Object.keys(b).length &&
            Object.keys(a).every((k) =>
              close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
            )
          : a === b;
    assert.ok(
      close(strip(full), strip(truncated)),
      `${JSON.stringify(strip(full)[0])}\n${JSON.stringify(strip(truncated)[0])}`,
    );
  });

  it('verifies every due prediction exactly once; a rerun verifies none and moves no weight', async () => {
    const ajv = new Ajv2020({ allErrors: true });
    const validate = ajv.compile(
      JSON.parse(fs.readFileSync(path.join(schemasDir, 'verification.schema.json'), 'utf8')),
    );
    const dry = await verify(ctx, { since: '2021-10-01', dryRun: true, fetch: false });
    assert.equal(dry.verified.length, 48);
    assert.ok(!fs.existsSync(ctx.home.verificationsDir), '--dry-run writes no verification');
    assert.deepEqual(weightsOf(ctx), []);
    const first = await verify(ctx, { since: '2021-10-01', dryRun: false, fetch: false });
    assert.equal(first.verified.length, 48);
    assert.equal(first.pending, 0);
    for (const v of first.verified)
      assert.ok(validate(v.verification), JSON.stringify(validate.errors));
    assert.ok(first.weight_changes.length > 0);
    const weights = weightsOf(ctx);
    const second = await verify(ctx, { since: '2021-10-01', dryRun: false, fetch: false });
    assert.equal(second.verified.length, 0);
    assert.equal(second.already_verified, 48);
    assert.deepEqual(weightsOf(ctx), weights);
  });

  it('doctor --reindex rebuilds the index and the weights identically from the ledgers', async () => {
    const before = weightsOf(ctx);
    withRawDb(ctx.home.db, (db) =>
      db.exec(
        'DELETE FROM signal_weights; DELETE FROM weight_changes; DELETE FROM prediction_index; DELETE FROM verification_index;',
      ),
    );
    const result = await doctor(ctx, { repair: false, reindex: true });
    assert.equal(result.reindexed?.predictions, 48);
    assert.equal(result.reindexed?.verifications, 48);
    assert.deepEqual(weightsOf(ctx), before);
  });
  it('refuses an in-sample prediction (exit 2, saying what to do); --allow-in-sample marks it', async () => {
    // Target 2021-10-22 is inside the training data, which ends 2021-10-29.
    const home = copyHome(ctx, TRAINED_UNTIL, false);
    const inSample = { ...ctx, home };
    await assert.rejects(
      predict(inSample, { asOf: '2021-10-15', fetch: false, allowStale: false }),
      (err: unknown) =>
        err instanceof UsageError &&
        err.exitCode === 2 &&
        /refusing an in-sample prediction: .*target session 2021-10-22.* ends 2021-10-29/.test(
          err.message,
        ) &&
        /mlx backtest/.test(err.hint ?? '') &&
        /--allow-in-sample/.test(err.hint ?? ''),
    );
    assert.ok(!fs.existsSync(home.predictionsDir), 'nothing appended');
    // The last session whose target is after the training data is predicted as usual.
    const edge = await predict(inSample, { asOf: '2021-10-25', fetch: false, allowStale: false });
    assert.equal(edge.appended.length, 8);
    assert.ok(
      edge.appended.every((r) => r.in_sample === undefined && r.target_date > TRAINED_UNTIL),
    );
    const allowed = await predict(inSample, {
      asOf: '2021-10-15',
      fetch: false,
      allowStale: false,
      allowInSample: true,
    });
    assert.equal(allowed.appended.length, 8);
    assert.ok(allowed.appended.every((r) => r.in_sample === true));
  });

  it('doctor loads the promoted model as predict does and names a broken file; predict names it too', async () => {
    const version = path.join('models', 'default', trained.version);
    const breakages: [string, (dir: string) => void, RegExp][] = [
      [
        'truncated xgb.json',
        (dir) => {
          const file = path.join(dir, 'xgb.json');
          fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 2000));
        },
        /xgb\.json: /,
      ],
      [
        'empty xgb.json',
        (dir) => fs.writeFileSync(path.join(dir, 'xgb.json'), ''),
        /xgb\.json: the file is empty/,
      ],
      [
        'missing lstm/weights.bin',
        (dir) => fs.rmSync(path.join(dir, 'lstm', 'weights.bin')),
        /lstm\/weights\.bin/,
      ],
      [
        'missing scaler.json',
        (dir) => fs.rmSync(path.join(dir, 'scaler.json')),
        /scaler\.json: the file is missing/,
      ],
    ];
    for (const [what, breakIt, names] of breakages) {
      const home = copyHome(ctx, TRAINED_UNTIL, false);
      breakIt(path.join(home.root, version));
      const broken = { ...ctx, home };
      const check = await doctor(broken, { repair: false, reindex: false });
      assert.equal(check.exit_code, 1, what);
      const model = check.checks.find((c) => c.name === 'model default');
      assert.equal(model?.ok, false, what);
      assert.match(model?.detail ?? '', names, what);
      assert.doesNotMatch(model?.detail ?? '', /json\.cc|Invalid pointer/, what);
      assert.match(model?.hint ?? '', /retrain with mlx train, or promote a version/, what);
      await assert.rejects(
        predict(broken, { asOf: '2021-11-01', fetch: false, allowStale: false }),
        (err: unknown) => err instanceof DataError && names.test(err.message) && !!err.hint,
        what,
      );
    }
  });

  it('on a weekend, predicts the last closed session once; a second run is a no-op', async () => {
    // The market's data ends on Friday 2021-12-31; the clock says Saturday.
    const saturday = { ...ctx, now: () => new Date('2022-01-01T15:00:00Z') };
    const first = await predict(saturday, { fetch: false, allowStale: false });
    assert.equal(first.appended.length, 8, JSON.stringify(first.failures));
    assert.ok(
      first.appended.every((r) => r.as_of === '2021-12-31' && r.target_date === '2022-01-07'),
    );
    const second = await predict(saturday, { fetch: false, allowStale: false });
    assert.deepEqual(
      [second.appended.length, second.already_recorded, second.exit_code],
      [0, 8, 0],
    );
    // Two sessions later without new data, the symbols are stale only beyond staleSessions.
    const stale = await predict(
      {
        ...ctx,
        config: { ...ctx.config, staleSessions: 1 },
        now: () => new Date('2022-01-04T22:00:00Z'),
      },
      { fetch: false, allowStale: false },
    );
    assert.equal(stale.exit_code, 1);
    assert.match(
      stale.failures[0].reason,
      /stale data: last bar 2021-12-31 is 2 sessions behind 2022-01-04/,
    );
  });
});

describe('published schemas', () => {
  it('docs/schemas matches the record schemas (run npm run schemas after changing them)', () => {
    for (const [name, schema] of [
      ['prediction', predictionSchema],
      ['verification', verificationSchema],
    ] as const) {
      const published = JSON.parse(
        fs.readFileSync(path.join(schemasDir, `${name}.schema.json`), 'utf8'),
      );
      assert.deepEqual(published, publishedSchema(schema));
    }
  });
});
