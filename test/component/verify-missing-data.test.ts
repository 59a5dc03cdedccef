import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { buildReport } from '../../src/commands/report.ts';
import { doctor, reindex } from '../../src/commands/doctor.ts';
import { verify } from '../../src/commands/verify.ts';
import { DataError } from '../../src/errors.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { verificationSchema } from '../../src/ledger/records.ts';
import { PriceStore } from '../../src/store/price-store.ts';
import { withRawDb } from '../helpers/raw-db.ts';
import { ledgerHome, ledgerRecords, predictSessions, weightsOf } from '../helpers/ledger.ts';

const SYMBOLS = ['SYN001', 'SYN002', 'SYN003'];
const SESSIONS = ['2021-11-01', '2021-11-02', '2021-11-03'];

function moveStoreAside(dbFile: string): string {
  const aside = `${dbFile}.aside`;
  fs.mkdirSync(aside);
  for (const f of fs.readdirSync(path.dirname(dbFile)).filter((f) => f.startsWith('mlx.db')))
    if (f !== 'mlx.db.aside')
      fs.renameSync(path.join(path.dirname(dbFile), f), path.join(aside, f));
  return aside;
}

function restoreStore(dbFile: string, aside: string): void {
  for (const f of fs.readdirSync(aside))
    fs.renameSync(path.join(aside, f), path.join(path.dirname(dbFile), f));
  fs.rmdirSync(aside);
}

describe('verify when bars are missing: an error, never a record', () => {
  it('with the store removed, verify fails naming the symbols, writes nothing, creates no store; restored, it scores them', async () => {
    const ctx = await ledgerHome();
    predictSessions(ctx, SYMBOLS, SESSIONS);
    const aside = moveStoreAside(ctx.home.db);
    await assert.rejects(
      verify(ctx, { dryRun: false, fetch: false }),
      (err: unknown) =>
        err instanceof DataError &&
        err.exitCode === 1 &&
        /cannot verify 9 prediction\(s\) of SYN001, SYN002, SYN003/.test(err.message),
    );
    assert.deepEqual(ledgerRecords(ctx.home.verificationsDir), []);
    assert.ok(!fs.existsSync(ctx.home.db), 'verify does not create an empty store');
    const check = await doctor(ctx, { repair: false, reindex: false });
    assert.equal(check.exit_code, 1);
    assert.match(
      check.checks.find((c) => c.name === 'verification')?.detail ?? '',
      /cannot verify 9 prediction\(s\) of SYN001, SYN002, SYN003/,
    );
    restoreStore(ctx.home.db, aside);
    const result = await verify(ctx, { dryRun: false, fetch: false });
    assert.equal(result.exit_code, 0);
    assert.equal(result.verified.length, 9);
    assert.ok(result.verified.every((v) => v.verification.status === 'verified'));
  });

  it("with one symbol's bars removed, the others are verified (exit 3) and the symbol is named; restored, it is scored", async () => {
    const ctx = await ledgerHome();
    predictSessions(ctx, SYMBOLS, SESSIONS);
    const saved = withRawDb(ctx.home.db, (db) => {
      const rows = db.prepare("SELECT * FROM bars WHERE symbol = 'SYN002'").all();
      db.prepare("DELETE FROM bars WHERE symbol = 'SYN002'").run();
      return rows;
    });

    const first = await verify(ctx, { dryRun: false, fetch: false });
    assert.equal(first.exit_code, 3);
    assert.equal(first.verified.length, 6);
    const check = (await doctor(ctx, { repair: false, reindex: false })).checks.find(
      (c) => c.name === 'verification',
    );
    assert.equal(check?.ok, false);
    assert.match(
      check?.detail ?? '',
      /due predictions lack bars: SYN002 \(3 prediction\(s\)\): no bars in the store/,
    );
    assert.match(check?.hint ?? '', /mlx verify --delisted SYMBOL/);
    assert.deepEqual(first.failures, [
      {
        symbol: 'SYN002',
        predictions: 3,
        reason: 'no bars in the store; 5 needed (target 2021-11-08)',
      },
    ]);
    assert.ok(ledgerRecords(ctx.home.verificationsDir).every((v) => v.symbol !== 'SYN002'));

    withRawDb(ctx.home.db, (db) => {
      const insert = db.prepare(
        'INSERT INTO bars VALUES (@symbol, @date, @open, @high, @low, @close, @volume, @dividend, @split, @adj_close, @source, @fetched_at)',
      );
      for (const row of saved) insert.run(row);
    });
    const second = await verify(ctx, { dryRun: false, fetch: false });
    assert.equal(second.exit_code, 0);
    assert.deepEqual(
      second.verified.map((v) => [v.symbol, v.verification.status]),
      SESSIONS.map(() => ['SYN002', 'verified']),
    );
  });

  it('a series that stops before the target: missing until a delisting is known, then unresolvable', async () => {
    const ctx = await ledgerHome();
    predictSessions(ctx, ['SYN001', 'SYN003'], ['2021-11-01']);
    withRawDb(ctx.home.db, (db) =>
      db.prepare("DELETE FROM bars WHERE symbol = 'SYN003' AND date > '2021-11-03'").run(),
    );
    const first = await verify(ctx, { dryRun: false, fetch: false });
    assert.equal(first.exit_code, 3);
    assert.match(
      first.failures[0].reason,
      /only 2 bar\(s\) after 2021-11-01, the last on 2021-11-03/,
    );
    const second = await verify(ctx, { dryRun: false, fetch: false, delisted: ['syn003'] });
    assert.equal(second.exit_code, 0);
    assert.equal(second.verified[0].verification.status, 'unresolvable');
    assert.match(second.verified[0].verification.reason ?? '', /^delisted: /);
  });
});

describe('re-scoring a prediction wrongly closed as unresolvable', () => {
  it('appends a superseding record, never edits; readers and the weights take the latest', async () => {
    const ctx = await ledgerHome();
    const [wronged, ...others] = predictSessions(ctx, SYMBOLS, ['2021-11-01']);
    // What older mlx wrote when the store was missing.
    const earlier = {
      schema: 'mlx.verification/1' as const,
      prediction_id: wronged.id,
      symbol: wronged.symbol,
      as_of: wronged.as_of,
      target_date: wronged.target_date,
      verified_at: '2021-12-01T10:00:00.000Z',
      status: 'unresolvable' as const,
      reason: 'no bar on 2021-11-01 in the data any more (revised or removed)',
    };
    new Ledger(ctx.home.verificationsDir, verificationSchema).append([earlier], () => '2021-12');

    const plain = await verify(ctx, { dryRun: false, fetch: false });
    assert.deepEqual(
      plain.verified.map((v) => v.id),
      others.map((p) => p.id),
    );
    assert.equal(plain.rescorable, 1);
    assert.equal(ledgerRecords(ctx.home.verificationsDir).length, 3);
    const check = await doctor(ctx, { repair: false, reindex: false });
    assert.equal(check.exit_code, 1);
    const verification = check.checks.find((c) => c.name === 'verification');
    assert.match(
      verification?.detail ?? '',
      /1 prediction\(s\) recorded unresolvable have their bars now/,
    );
    assert.match(verification?.hint ?? '', /mlx verify --rescore/);

    const rescored = await verify(ctx, { dryRun: false, fetch: false, rescore: true });
    assert.equal(rescored.rescored, 1);
    assert.equal(rescored.verified[0].verification.supersedes, earlier.verified_at);
    const lines = ledgerRecords(ctx.home.verificationsDir);
    assert.equal(lines.length, 4, 'appended');
    assert.deepEqual(lines[0], earlier, 'the earlier record is untouched');
    assert.equal(lines[3].status, 'verified');

    const report = await buildReport(ctx, {});
    assert.equal(report.totals.verified, 3);
    assert.equal(report.totals.unresolvable, 0);

    const again = await verify(ctx, { dryRun: false, fetch: false, rescore: true });
    assert.deepEqual([again.verified.length, again.rescored, again.rescorable], [0, 0, 0]);
    assert.equal((await doctor(ctx, { repair: false, reindex: false })).exit_code, 0);

    // The weights after the re-score are what a replay of the ledgers gives.
    const live = weightsOf(ctx);
    const store = PriceStore.open(ctx.home.db);
    reindex(ctx, store);
    store.close();
    assert.deepEqual(weightsOf(ctx), live);
  });
});
