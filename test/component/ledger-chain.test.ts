import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { doctor } from '../../src/commands/doctor.ts';
import { buildReport } from '../../src/commands/report.ts';
import type { Context } from '../../src/context.ts';
import { tempHome } from '../helpers/cli.ts';
import { testContext } from '../helpers/context.ts';
import { verifiedHome } from '../helpers/verified-home.ts';
import { weightsOf } from '../helpers/ledger.ts';

/**
 * Tamper-evident ledgers on a verified home (no model): an edited prediction
 * (E12), forged verifications (E20), a lost verification line and lines in
 * another order (E21), a torn or garbage line under report (E22), and ledgers
 * written before digests.
 */
const OLD_LEDGER = path.resolve(import.meta.dirname, '../fixtures/ledger-0.1/predictions');

function copyHome(ctx: Context): Context & { lines: string[] } {
  const root = tempHome('mlx-chain-');
  fs.cpSync(ctx.home.root, root, { recursive: true });
  return testContext({ home: root, now: ctx.now().toISOString(), config: ctx.config });
}

const read = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
const write = (file: string, lines: readonly string[]) =>
  fs.writeFileSync(file, `${lines.join('\n')}\n`);

function ledgerFile(ctx: Context, which: 'predictions' | 'verifications'): string {
  const dir = which === 'predictions' ? ctx.home.predictionsDir : ctx.home.verificationsDir;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  return path.join(dir, files.sort()[0]);
}

describe('tamper-evident ledgers', () => {
  let base: Context & { lines: string[] };
  let verified: number;

  before(async () => {
    base = await verifiedHome({ symbols: 6, from: '2021-03-01', to: '2021-04-30' });
    verified = (await buildReport(base, { since: '2021-01-01' })).totals.verified;
  });

  it('every line written carries a digest, and doctor finds the chains whole', async () => {
    const ctx = copyHome(base);
    for (const line of read(ledgerFile(ctx, 'predictions')))
      assert.match(line, /,"digest":"[0-9a-f]{32}"\}$/);
    const checked = await doctor(ctx, { repair: false, reindex: false });
    for (const name of ['predictions ledger', 'verifications ledger'])
      assert.equal(checked.checks.find((c) => c.name === name)?.ok, true, name);
  });

  it('E12: an edited prediction line (direction and P(up) flipped) is named by doctor, and --repair restores the committed one', async () => {
    const ctx = copyHome(base);
    const file = ledgerFile(ctx, 'predictions');
    const lines = read(file);
    const edited = lines[4]
      .replace(
        /"direction":"(up|down)"/,
        (_, d: string) => `"direction":"${d === 'up' ? 'down' : 'up'}"`,
      )
      .replace(
        /"probability_up":([0-9.e-]+)/,
        (_, p: string) => `"probability_up":${1 - Number(p)}`,
      );
    assert.notEqual(edited, lines[4]);
    lines[4] = edited;
    write(file, lines);
    const checked = await doctor(ctx, { repair: false, reindex: false });
    assert.equal(checked.exit_code, 1);
    const check = checked.checks.find((c) => c.name === 'predictions ledger');
    assert.equal(check?.ok, false);
    assert.ok(check?.detail.includes(`${file}:5`), check?.detail);
    const report = await buildReport(ctx, { since: '2021-01-01' });
    assert.equal(report.ledger.chain_breaks, 1);
    assert.ok(ctx.lines.some((l) => /does not chain/.test(l)));

    const repaired = await doctor(ctx, { repair: true, reindex: false });
    assert.deepEqual(
      repaired.restored.map((r) => r.records),
      [1],
    );
    const after = await doctor(ctx, { repair: false, reindex: false });
    assert.equal(after.checks.find((c) => c.name === 'predictions ledger')?.ok, true);
    assert.equal((await buildReport(ctx, { since: '2021-01-01' })).ledger.chain_breaks, 0);
  });

  it('E20: verifications forged for an unknown prediction and for one not yet due are refused by report and named by doctor', async () => {
    const ctx = copyHome(base);
    const file = ledgerFile(ctx, 'verifications');
    const lines = read(file);
    const template = JSON.parse(lines[0]) as Record<string, unknown>;
    delete template.digest;
    const unknown = { ...template, prediction_id: 'f'.repeat(24) };
    const early = { ...template, verified_at: `${String(template.as_of)}T23:00:00.000Z` };
    // Appended as a forger would: valid JSON, no digest.
    write(file, [...lines, JSON.stringify(unknown), JSON.stringify(early)]);
    const report = await buildReport(ctx, { since: '2021-01-01' });
    assert.equal(report.totals.verified, verified);
    assert.equal(report.ledger.refused_verifications, 2);
    const checked = await doctor(ctx, { repair: false, reindex: false });
    const check = checked.checks.find((c) => c.name === 'verifications ledger');
    assert.equal(check?.ok, false);
    assert.match(check?.detail ?? '', /no prediction ledger line holds/);
    assert.match(check?.detail ?? '', /before its target session/);
  });

  it('E21: a lost verification line, then doctor --repair, gives back exactly the live weights', async () => {
    const ctx = copyHome(base);
    const live = weightsOf(ctx);
    const file = ledgerFile(ctx, 'verifications');
    const lines = read(file);
    write(file, [...lines.slice(0, 3), ...lines.slice(4)]);
    const repaired = await doctor(ctx, { repair: true, reindex: false });
    assert.equal(repaired.restored.length, 1);
    assert.deepEqual(weightsOf(ctx), live);
  });

  it('E21: verification lines shuffled, deleted and restored replay to the live weights (--reindex)', async () => {
    const ctx = copyHome(base);
    const live = weightsOf(ctx);
    const file = ledgerFile(ctx, 'verifications');
    const lines = read(file);
    // A fixed shuffle: reverse the file, then swap neighbours.
    const shuffled = [...lines].reverse();
    for (let i = 0; i + 1 < shuffled.length; i += 2)
      [shuffled[i], shuffled[i + 1]] = [shuffled[i + 1], shuffled[i]];
    write(file, shuffled);
    const reindexed = await doctor(ctx, { repair: false, reindex: true });
    assert.ok(reindexed.reindexed);
    assert.deepEqual(weightsOf(ctx), live);
  });

  it('E22: report over a torn or garbage ledger line says so on stderr and in --json, with the count', async () => {
    const ctx = copyHome(base);
    const file = ledgerFile(ctx, 'predictions');
    fs.appendFileSync(file, 'garbage that is not JSON\n{"schema":"mlx.prediction/2","id":"ab');
    const report = await buildReport(ctx, { since: '2021-01-01' });
    assert.equal(report.ledger.skipped_lines, 2);
    assert.ok(
      ctx.lines.some((l) => /2 damaged ledger line\(s\) skipped/.test(l)),
      ctx.lines.join('\n'),
    );
  });
});

describe('ledgers written before digests', () => {
  it('read as unchained; doctor says so, and --repair chains them by appending a seal, rewriting nothing', async () => {
    const ctx = testContext({ now: '2026-10-01T12:00:00Z' });
    fs.cpSync(OLD_LEDGER, ctx.home.predictionsDir, { recursive: true });
    const file = path.join(ctx.home.predictionsDir, '2026-09.jsonl');
    const before = fs.readFileSync(file, 'utf8');
    const checked = await doctor(ctx, { repair: false, reindex: false });
    const check = checked.checks.find((c) => c.name === 'predictions ledger');
    assert.equal(check?.ok, true);
    assert.match(check?.detail ?? '', /20 line\(s\) written before digests \(unchained/);
    assert.match(check?.hint ?? '', /appending a seal/);

    const repaired = await doctor(ctx, { repair: true, reindex: false });
    assert.ok(repaired.sealed.some((s) => s.file === file && s.unchained === 20));
    const after = fs.readFileSync(file, 'utf8');
    assert.ok(after.startsWith(before), 'the old lines are untouched');
    assert.match(
      after.slice(before.length),
      /^\{"schema":"mlx\.seal\/1".*"digest":"[0-9a-f]{32}"\}\n$/,
    );
    const again = await doctor(ctx, { repair: false, reindex: false });
    const detail = again.checks.find((c) => c.name === 'predictions ledger')?.detail ?? '';
    assert.match(detail, /20 covered by a later digest/);
    // An old line edited after the seal breaks the chain.
    fs.writeFileSync(file, after.replace('"direction":"up"', '"direction":"down"'));
    const edited = await doctor(ctx, { repair: false, reindex: false });
    assert.equal(edited.checks.find((c) => c.name === 'predictions ledger')?.ok, false);
  });
});
