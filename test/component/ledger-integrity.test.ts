import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { doctor } from '../../src/commands/doctor.ts';
import { buildReport } from '../../src/commands/report.ts';
import { verify } from '../../src/commands/verify.ts';
import {
  appendPredictions,
  handPrediction,
  ledgerHome,
  ledgerRecords,
  predictSessions,
  weightsOf,
} from '../helpers/ledger.ts';

const SYMBOLS = ['SYN001', 'SYN002', 'SYN003'];
const SESSIONS = ['2021-11-01', '2021-11-02', '2021-11-03', '2021-11-04'];

const ledgerCheck = (result: Awaited<ReturnType<typeof doctor>>, name: string) =>
  result.checks.find((c) => c.name === `${name} ledger`);

describe('a duplicated prediction line', () => {
  it('is counted once by verify and report; doctor names it, exits 1, and --repair moves it aside', async () => {
    const ctx = await ledgerHome();
    const records = predictSessions(ctx, SYMBOLS, SESSIONS);
    const file = path.join(ctx.home.predictionsDir, '2021-11.jsonl');
    fs.appendFileSync(file, `${JSON.stringify(records[4])}\n`);

    const verified = await verify(ctx, { dryRun: false, fetch: false });
    assert.equal(verified.verified.length, 12);
    const verifications = ledgerRecords(ctx.home.verificationsDir);
    assert.equal(new Set(verifications.map((v) => v.prediction_id)).size, 12);
    assert.equal(verifications.length, 12, 'one verification for the duplicated id');
    const report = await buildReport(ctx, {});
    assert.equal(report.totals.predictions, 12);
    assert.equal(report.overall?.count, 12);

    const check = await doctor(ctx, { repair: false, reindex: false });
    assert.equal(check.exit_code, 1);
    const predictions = ledgerCheck(check, 'predictions');
    assert.equal(predictions?.ok, false);
    assert.match(
      predictions?.detail ?? '',
      /1 duplicate line\(s\) \(.*2021-11\.jsonl:13: prediction [0-9a-f]+ appears more than once\)/,
    );
    assert.match(
      predictions?.hint ?? '',
      /--repair moves bad and duplicate lines into predictions\/quarantine/,
    );

    const repaired = await doctor(ctx, { repair: true, reindex: false });
    assert.equal(repaired.exit_code, 0);
    assert.equal(repaired.repaired[0].moved, 1);
    assert.equal(ledgerRecords(ctx.home.predictionsDir).length, 12);
    assert.equal((await doctor(ctx, { repair: false, reindex: false })).exit_code, 0);
  });
});

describe('a committed verification line damaged later', () => {
  it('is not scored again (the index remembers it); doctor --repair restores it and replays the weights', async () => {
    const ctx = await ledgerHome();
    predictSessions(ctx, SYMBOLS, SESSIONS);
    await verify(ctx, { dryRun: false, fetch: false });
    const weights = weightsOf(ctx);
    const [file] = fs.readdirSync(ctx.home.verificationsDir).filter((f) => f.endsWith('.jsonl'));
    const ledgerFile = path.join(ctx.home.verificationsDir, file);
    const lines = fs.readFileSync(ledgerFile, 'utf8').split('\n');
    const damaged = JSON.parse(lines[5]) as { prediction_id: string };
    lines[5] = `${lines[5].slice(0, 40)}\u0000\u0000 bit rot`;
    fs.writeFileSync(ledgerFile, lines.join('\n'));

    const again = await verify(ctx, { dryRun: false, fetch: false });
    assert.equal(again.verified.length, 0, 'not scored a second time');
    assert.deepEqual(weightsOf(ctx), weights, 'its weight steps are not applied twice');
    assert.ok(
      ctx.lines.some((l) => /1 verification\(s\) recorded in the index are missing/.test(l)),
    );

    const check = await doctor(ctx, { repair: false, reindex: false });
    assert.equal(check.exit_code, 1);
    const verifications = ledgerCheck(check, 'verifications');
    assert.match(verifications?.detail ?? '', /1 bad line\(s\).*1 committed record\(s\) missing/);
    assert.match(
      verifications?.hint ?? '',
      /appends the missing records back from the index.*replays the weights/,
    );

    const repaired = await doctor(ctx, { repair: true, reindex: false });
    assert.equal(repaired.exit_code, 0);
    assert.deepEqual(
      repaired.restored.map((r) => [r.ledger, r.records]),
      [['verifications', 1]],
    );
    const after = ledgerRecords(ctx.home.verificationsDir);
    assert.equal(after.length, 12);
    assert.equal(after.filter((v) => v.prediction_id === damaged.prediction_id).length, 1);
    assert.ok(repaired.reindexed, 'weights replayed');
    assert.equal(weightsOf(ctx).length, weights.length);
    assert.equal((await verify(ctx, { dryRun: false, fetch: false })).verified.length, 0);
    assert.equal((await doctor(ctx, { repair: false, reindex: false })).exit_code, 0);
  });
});

describe('in-sample predictions (predict --allow-in-sample)', () => {
  it('are verified but kept apart by report and move no weight', async () => {
    const ctx = await ledgerHome();
    appendPredictions(ctx, [
      handPrediction(ctx, 'SYN001', '2021-11-01', { in_sample: true }),
      handPrediction(ctx, 'SYN002', '2021-11-01'),
    ]);
    const result = await verify(ctx, { dryRun: false, fetch: false });
    assert.equal(result.verified.length, 2);
    assert.ok(result.weight_changes.every((c) => c.symbol !== 'SYN001'));
    const report = await buildReport(ctx, {});
    assert.equal(report.totals.predictions, 1);
    assert.equal(report.totals.verified, 1);
    assert.deepEqual(
      report.symbols.map((s) => s.symbol),
      ['SYN002'],
    );
    assert.equal(report.in_sample.predictions, 1);
    assert.equal(report.in_sample.verified, 1);
    // A replay of the ledgers agrees: in-sample outcomes never move weights.
    const live = weightsOf(ctx);
    await doctor(ctx, { repair: false, reindex: true });
    assert.deepEqual(weightsOf(ctx), live);
  });
});
