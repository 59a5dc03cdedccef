import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { backtest } from '../../src/commands/backtest.ts';
import { doctor } from '../../src/commands/doctor.ts';
import { listPredictions } from '../../src/commands/predictions.ts';
import { buildReport } from '../../src/commands/report.ts';
import { verify } from '../../src/commands/verify.ts';
import { UsageError } from '../../src/errors.ts';
import { leftoverTemps, tempOwner } from '../../src/fsutil.ts';
import { verifiedHome } from '../helpers/verified-home.ts';

/** A pid that ran and has ended: what a killed command leaves in its temporary names. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

describe('what killed commands and stray files leave behind', () => {
  it('temporary names carry their pid; only those of ended processes are leftovers', () => {
    assert.equal(tempOwner('CURRENT.tmp-1234-1700000000000'), 1234);
    assert.equal(tempOwner('.tmp-20260201T020000Z-1234'), 1234);
    assert.equal(tempOwner('.bars.parquet.tmp-1234'), 1234);
    assert.equal(tempOwner('2021-11.jsonl'), null);
    const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'mlx-temps-'));
    const dead = deadPid();
    fs.writeFileSync(path.join(dir, `CURRENT.tmp-${dead}-1`), '');
    fs.writeFileSync(path.join(dir, `CURRENT.tmp-${process.pid}-1`), '');
    assert.deepEqual(leftoverTemps(dir), [path.join(dir, `CURRENT.tmp-${dead}-1`)]);
  });

  it('doctor names temporary files of killed commands (promote, train, models import); --repair removes them', async () => {
    const ctx = await verifiedHome({ symbols: 3, from: '2021-03-01', to: '2021-03-31' });
    const dead = deadPid();
    const modelDir = path.join(ctx.home.modelsDir, 'default');
    fs.mkdirSync(path.join(modelDir, `.tmp-20260201T020000Z-${dead}`, 'lstm'), {
      recursive: true,
    });
    fs.writeFileSync(path.join(modelDir, `CURRENT.tmp-${dead}-1700000000000`), 'v\n');
    const checked = await doctor(ctx, { repair: false, reindex: false });
    const temps = checked.checks.find((c) => c.name === 'temporary files');
    assert.equal(temps?.ok, false);
    assert.match(temps?.detail ?? '', /2 left by commands that were killed/);
    const repaired = await doctor(ctx, { repair: true, reindex: false });
    assert.equal(repaired.temps_removed.length, 2);
    assert.deepEqual(fs.readdirSync(modelDir), []);
  });

  it('a stray folder or file in predictions/ is ignored by readers and named by doctor', async () => {
    const ctx = await verifiedHome({ symbols: 3, from: '2021-03-01', to: '2021-03-31' });
    const before = (await buildReport(ctx, { since: '2021-01-01' })).totals.verified;
    fs.mkdirSync(path.join(ctx.home.predictionsDir, '2021-12.jsonl'));
    fs.writeFileSync(path.join(ctx.home.predictionsDir, 'notes.txt'), 'mine\n');
    assert.ok(listPredictions(ctx, { since: '2021-01-01' }).predictions.length > 0);
    assert.equal((await buildReport(ctx, { since: '2021-01-01' })).totals.verified, before);
    assert.equal((await verify(ctx, { dryRun: true, fetch: false })).failures.length, 0);
    const checked = await doctor(ctx, { repair: false, reindex: false });
    const ledger = checked.checks.find((c) => c.name === 'predictions ledger');
    assert.equal(ledger?.ok, true);
    assert.match(ledger?.detail ?? '', /2 stray entries ignored .*2021-12\.jsonl.*notes\.txt/);
  });

  it('reversed ranges are usage errors; a replay folder is replaced only with --force', async () => {
    const ctx = await verifiedHome({ symbols: 3, from: '2021-03-01', to: '2021-03-31' });
    await assert.rejects(
      buildReport(ctx, { since: '2021-06-01', until: '2021-03-01' }),
      /--since 2021-06-01 is after --until 2021-03-01/,
    );
    await assert.rejects(
      verify(ctx, { dryRun: true, fetch: false, since: '2021-06-01', until: '2021-03-01' }),
      UsageError,
    );
    const options = {
      from: '2021-06-01',
      to: '2021-03-01',
      retrain: 'monthly' as const,
      verifyEvery: 'weekly' as const,
      adapt: true,
      compare: false,
    };
    await assert.rejects(backtest(ctx, options), /--from 2021-06-01 is after --to 2021-03-01/);
    const out = path.join(ctx.home.root, 'backtests', 'killed');
    fs.mkdirSync(path.join(out, 'models'), { recursive: true });
    fs.mkdirSync(path.join(out, 'adaptive'));
    const forward = { ...options, from: '2021-03-01', to: '2021-06-01', out };
    await assert.rejects(backtest(ctx, forward), /an earlier or killed replay.*|--force/);
    await assert.rejects(backtest(ctx, forward), (err: UsageError) =>
      /--force/.test(err.hint ?? ''),
    );
    fs.writeFileSync(path.join(out, 'thesis.md'), 'not a replay\n');
    await assert.rejects(
      backtest(ctx, { ...forward, force: true }),
      /not a replay folder \(thesis\.md\)/,
    );
    assert.ok(fs.existsSync(path.join(out, 'thesis.md')), 'nothing removed');
  });
});
