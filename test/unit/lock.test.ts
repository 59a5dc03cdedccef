import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LockedError } from '../../src/errors.ts';
import { acquireLock, inspectLock } from '../../src/lock.ts';

/** This process's boot id and start time (Linux /proc), as a lock records them. */
function selfIdentity(): { boot_id: string | null; start_ticks: number | null } {
  const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null);
  const stat = read('/proc/self/stat');
  const ticks = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]) : NaN;
  return {
    boot_id: read('/proc/sys/kernel/random/boot_id')?.trim() ?? null,
    start_ticks: Number.isFinite(ticks) ? ticks : null,
  };
}

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
        started_at: new Date().toISOString(),
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

  it('H05: a lock naming a live pid that is not its owner (pid reuse) is stale and taken over', async () => {
    // pid 1 runs, but it is not the process that took these locks.
    const beforeBoot = lockFile(
      JSON.stringify({
        pid: 1,
        host: os.hostname(),
        command: 'predict',
        started_at: new Date(Date.now() - 330 * 86_400_000).toISOString(),
      }),
    );
    const state = inspectLock(beforeBoot);
    assert.equal(state.state, 'dead-owner');
    (await acquireLock(beforeBoot, { command: 'verify' })).release();
    const otherStart = lockFile(
      JSON.stringify({
        pid: process.pid,
        host: os.hostname(),
        command: 'predict',
        started_at: new Date().toISOString(),
        boot_id: selfIdentity().boot_id,
        start_ticks: (selfIdentity().start_ticks ?? 0) + 12345,
      }),
    );
    if (selfIdentity().start_ticks !== null) {
      const seen = inspectLock(otherStart);
      assert.equal(seen.state, 'dead-owner');
      assert.match(seen.state === 'dead-owner' ? seen.why : '', /pid was reused/);
    }
    // Its own lock, identity and all, is held.
    const own = lockFile(null);
    const lock = await acquireLock(own, { command: 'train' });
    assert.equal(inspectLock(own).state, 'held');
    lock.release();
  });

  it("H06: another host's 11-month-old lock is reported with its age, and cleared only when asked", async () => {
    const file = lockFile(
      JSON.stringify({
        pid: 4242,
        host: 'other-host.example',
        command: 'predict',
        started_at: new Date(Date.now() - 330 * 86_400_000).toISOString(),
      }),
    );
    assert.equal(inspectLock(file).state, 'foreign');
    await assert.rejects(
      acquireLock(file, { command: 'predict' }),
      (err: unknown) =>
        err instanceof LockedError &&
        /other-host\.example/.test(err.message) &&
        /330 days old/.test(err.message) &&
        /--break-lock/.test(err.hint ?? ''),
    );
    (await acquireLock(file, { command: 'doctor', breakForeign: true })).release();
    assert.ok(!fs.existsSync(file));
  });

  it('H08: a lock path that is a dangling symlink or a folder is refused at once, never spun on', async () => {
    // In a process of its own: a lock that spins would block this one for good.
    const take = (file: string, options: string) => {
      const script = path.join(path.dirname(file), 'take.ts');
      fs.writeFileSync(
        script,
        `import { acquireLock } from ${JSON.stringify(path.join(root, 'src/lock.ts'))};
acquireLock(${JSON.stringify(file)}, { command: 'predict', ${options} }).then(
  (lock) => { lock.release(); process.stdout.write('acquired'); },
  (err) => process.stdout.write(String(err.message) + '\\n' + String(err.hint)),
);`,
      );
      return spawnSync(process.execPath, ['--import', 'tsx', script], {
        cwd: root,
        encoding: 'utf8',
        timeout: 20_000,
      });
    };
    const dangling = lockFile(null);
    fs.symlinkSync(path.join(path.dirname(dangling), 'nowhere'), dangling);
    const refused = take(dangling, 'waitSeconds: 5');
    assert.equal(refused.signal, null, 'it ended by itself');
    assert.match(refused.stdout, /is a symbolic link \(dangling\)/);
    assert.match(refused.stdout, /doctor --repair moves it aside/);
    const folder = lockFile(null);
    fs.mkdirSync(folder);
    const refusedFolder = take(folder, '');
    assert.equal(refusedFolder.signal, null, 'it ended by itself');
    assert.match(refusedFolder.stdout, /is a folder/);
    // doctor --repair moves either aside and takes the lock.
    assert.equal(take(dangling, 'clearNonFile: true').stdout, 'acquired');
    assert.equal(take(folder, 'clearNonFile: true').stdout, 'acquired');
    assert.ok(fs.readdirSync(path.dirname(folder)).some((f) => f.startsWith('.mlx.lock.aside-')));
  });

  it('--wait says what it waits for, and is bounded', async () => {
    const file = lockFile(
      JSON.stringify({
        pid: process.pid,
        host: os.hostname(),
        command: 'train',
        started_at: new Date().toISOString(),
        ...selfIdentity(),
      }),
    );
    const told: string[] = [];
    await assert.rejects(
      acquireLock(file, { command: 'predict', waitSeconds: 0.3, onWait: (m) => told.push(m) }),
      LockedError,
    );
    assert.equal(told.length, 1);
    assert.match(told[0], /waiting up to 1 s for the lock .*pid \d+ on .*`mlx train`/);
  });
});
