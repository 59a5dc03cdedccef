import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LockedError } from '../../src/errors.ts';
import { acquireLock, inspectLock } from '../../src/lock.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function lockFile(contents: string | null, ageSeconds = 0): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-lock-')), '.mlx.lock');
  if (contents !== null) {
    fs.writeFileSync(file, contents);
    const then = new Date(Date.now() - ageSeconds * 1000);
    fs.utimesSync(file, then, then);
  }
  return file;
}

const ownedByMe = (file: string) =>
  (JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number }).pid === process.pid;

describe('the home lock', () => {
  it('an empty lock (a writer that hit a full disk) older than a minute is taken over', async () => {
    const file = lockFile('', 61);
    assert.deepEqual(inspectLock(file).state, 'unreadable');
    const lock = await acquireLock(file, { command: 'predict' });
    assert.ok(ownedByMe(file));
    lock.release();
    assert.ok(!fs.existsSync(file));
  });

  it('a garbage lock older than a minute is taken over too', async () => {
    const file = lockFile('\u0000\u0000garbage{', 3600);
    const lock = await acquireLock(file, { command: 'verify' });
    assert.ok(ownedByMe(file));
    lock.release();
  });

  it('a young unreadable lock may be a process just starting: exit 4, saying when it is taken over', async () => {
    const file = lockFile('', 5);
    await assert.rejects(
      acquireLock(file, { command: 'predict' }),
      (err: unknown) =>
        err instanceof LockedError &&
        err.exitCode === 4 &&
        /unreadable lock file, [5-9] s old/.test(err.message) &&
        /taken over once a minute old/.test(err.message),
    );
    assert.equal(fs.readFileSync(file, 'utf8'), '', 'left alone');
  });

  it('a lock of a live process is never taken over; one of a dead process is', async () => {
    const live = lockFile(
      JSON.stringify({
        pid: process.pid,
        host: os.hostname(),
        command: 'train',
        started_at: '2021-01-01T00:00:00Z',
      }),
      3600,
    );
    assert.equal(inspectLock(live).state, 'held');
    await assert.rejects(acquireLock(live, { command: 'predict' }), LockedError);
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const dead = lockFile(
      JSON.stringify({
        pid: Number(child.stdout),
        host: os.hostname(),
        command: 'predict',
        started_at: '2021-01-01T00:00:00Z',
      }),
    );
    assert.equal(inspectLock(dead).state, 'dead-owner');
    (await acquireLock(dead, { command: 'verify' })).release();
  });

  it(
    'a lock that cannot be written (file size limit 0, as on a full disk) is not left behind',
    { skip: fs.existsSync('/bin/bash') ? false : 'needs bash for ulimit' },
    () => {
      const file = lockFile(null);
      const script = path.join(path.dirname(file), 'take.ts');
      fs.writeFileSync(
        script,
        `import { acquireLock } from ${JSON.stringify(path.join(root, 'src/lock.ts'))};
acquireLock(${JSON.stringify(file)}, { command: 'predict' }).then(
  () => process.stdout.write('acquired'),
  (err) => process.stdout.write(String(err.message)),
);`,
      );
      const run = spawnSync(
        '/bin/bash',
        ['-c', `trap '' XFSZ; ulimit -f 0; exec "${process.execPath}" --import tsx "${script}"`],
        { cwd: root, encoding: 'utf8' },
      );
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /cannot write the lock file .*\.mlx\.lock/);
      assert.ok(!fs.existsSync(file), 'no 0-byte lock left');
    },
  );
});
