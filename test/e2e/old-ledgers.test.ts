import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from '../helpers/suite.ts';
import { runMlx, tempHome } from '../helpers/cli.ts';

/**
 * Lines exactly as mlx 0.1 wrote them (its demo, 2026-09-01: 20 mlx.prediction/1
 * records and their mlx.verification/1 lines), copied verbatim. Ledgers are
 * never rewritten, so every later version must read them as they are.
 */
const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/ledger-0.1/predictions');

const lines = (file: string) =>
  fs
    .readFileSync(path.join(FIXTURE, file), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('ledgers written by mlx 0.1 still read', () => {
  const predictions = lines('2026-09.jsonl');
  const verifications = lines('verifications/2026-09.jsonl');

  function homeWithOldLedgers(): string {
    const home = tempHome();
    fs.cpSync(FIXTURE, path.join(home, 'predictions'), { recursive: true });
    return home;
  }

  it('the fixture is what mlx 0.1 wrote', () => {
    assert.ok(predictions.every((p) => p.schema === 'mlx.prediction/1'));
    assert.ok(verifications.every((v) => v.schema === 'mlx.verification/1'));
    assert.equal(predictions.length, 20);
    assert.equal(verifications.length, 20);
  });

  it('mlx predictions lists every record unchanged', async () => {
    const home = homeWithOldLedgers();
    const run = await runMlx(['predictions', '--as-of', '2026-09-01', '--json'], { home });
    assert.equal(run.code, 0, run.stderr);
    const listed = JSON.parse(run.stdout) as Record<string, unknown>[];
    const byId = new Map(predictions.map((p) => [p.id, p]));
    assert.equal(listed.length, predictions.length);
    for (const record of listed) assert.deepEqual(record, byId.get(record.id));
  });

  it('mlx report counts every verification and its hits, and doctor reads every line', async () => {
    const home = homeWithOldLedgers();
    const run = await runMlx(['report', '--all', '--json'], { home });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.totals.predictions, predictions.length);
    assert.equal(report.totals.verified, verifications.length);
    assert.equal(report.overall.hits, verifications.filter((v) => v.direction_hit === true).length);
    const covered = verifications.filter((v) => v.within_interval === true).length;
    assert.equal(report.overall.coverage, covered / verifications.length);
    const doctor = await runMlx(['doctor', '--json'], { home });
    const checked = JSON.parse(doctor.stdout);
    assert.deepEqual(checked.ledger_problems, []);
    const ledgers = checked.checks.filter((c: { name: string }) => c.name.endsWith('ledger'));
    assert.deepEqual(
      ledgers.map((c: { ok: boolean; detail: string }) => [c.ok, c.detail]),
      [
        [
          true,
          `${predictions.length} records in 1 file(s), ${predictions.length} line(s) written before digests (unchained)`,
        ],
        [
          true,
          `${verifications.length} records in 1 file(s), ${verifications.length} line(s) written before digests (unchained)`,
        ],
      ],
    );
  });
});
