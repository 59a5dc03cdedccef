import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const here = path.dirname(fileURLToPath(import.meta.url));
const testDir = path.resolve(here, '..');

test('a suite skipped through helpers/suite.ts counts each of its tests as skipped and runs no hook', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-suite-'));
  const file = path.join(dir, 'fixture.test.ts');
  fs.writeFileSync(
    file,
    `import { before, describe, it } from ${JSON.stringify(path.join(testDir, 'helpers', 'suite.ts'))};
describe('needs the moon', { skip: 'no moon here' }, () => {
  before(() => { throw new Error('a skipped suite ran its hook'); });
  it('first', () => { throw new Error('ran'); });
  it('second', () => { throw new Error('ran'); });
});
describe('runs', () => { it('third', () => {}); });
`,
  );
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--test-reporter=spec', file], {
    encoding: 'utf8',
    cwd: path.resolve(testDir, '..'),
    // Inside a test run node marks children as its own; this one must report for itself.
    env: Object.fromEntries(
      Object.entries(process.env).filter(([key]) => key !== 'NODE_TEST_CONTEXT'),
    ),
  });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /ℹ skipped 2\b/);
  assert.match(run.stdout, /ℹ pass 1\b/);
  assert.match(run.stdout, /first .*# no moon here/);
});

test("no test file skips a suite with node:test's own describe (it would count as 0 skipped)", () => {
  const files = (fs.readdirSync(testDir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join(testDir, f))
    .filter((f) => f !== fileURLToPath(import.meta.url));
  assert.ok(files.length > 10);
  const offenders = files.filter((file) => {
    const text = fs.readFileSync(file, 'utf8');
    const skipsASuite = /describe\(\s*(['"`])(?:(?!\1)[^\\]|\\.)*\1\s*,\s*\{[^}]*\bskip\b/s.test(
      text,
    );
    return skipsASuite && !/from '\.\.\/helpers\/suite\.ts'/.test(text);
  });
  assert.deepEqual(offenders, []);
});
