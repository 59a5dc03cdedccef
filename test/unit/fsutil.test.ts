import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MlxError } from '../../src/errors.ts';
import { appendLines, writeFileAtomic, type FileWriter } from '../../src/fsutil.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function tempFile(name: string, contents = ''): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-fs-')), name);
  fs.writeFileSync(file, contents);
  return file;
}

/** A disk that takes `room` more bytes, writing short once it fills, then fails with ENOSPC. */
function nearlyFullDisk(room: number): FileWriter & { calls: number } {
  const writer = {
    calls: 0,
    writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number {
      writer.calls++;
      if (room === 0)
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
          code: 'ENOSPC',
          syscall: 'write',
        });
      const n = Math.min(length, room);
      room -= n;
      return fs.writeSync(fd, buffer, offset, n);
    },
  };
  return writer;
}

describe('appendLines on a disk that fills up', () => {
  const before = '{"n":1}\n{"n":2}\n';
  const records = Array.from({ length: 5 }, (_, i) =>
    JSON.stringify({ n: i + 3, pad: 'x'.repeat(50) }),
  );

  it('keeps writing after a short write: every byte lands', () => {
    const file = tempFile('2021-11.jsonl', before);
    let first = true;
    appendLines(file, records, {
      writeSync(fd, buffer, offset, length) {
        const n = first ? Math.min(length, 7) : length;
        first = false;
        return fs.writeSync(fd, buffer, offset, n);
      },
    });
    assert.equal(fs.readFileSync(file, 'utf8'), before + records.map((r) => `${r}\n`).join(''));
  });

  it('a write that fails part-way leaves the file exactly as it was, and the error names the file', () => {
    const file = tempFile('2021-11.jsonl', before);
    const disk = nearlyFullDisk(150);
    assert.throws(
      () => appendLines(file, records, disk),
      (err: unknown) =>
        err instanceof MlxError &&
        err.exitCode === 1 &&
        err.message === `cannot append to ${file}: no space left on the device (ENOSPC)` &&
        /free some space/.test(err.hint ?? ''),
    );
    assert.ok(disk.calls >= 2, 'the first write was short, the next failed');
    assert.equal(fs.readFileSync(file, 'utf8'), before, 'no torn line');
  });

  it('writeFileAtomic on a full disk leaves the old file and no temp file', () => {
    const file = tempFile('CURRENT', 'v1\n');
    assert.throws(() => writeFileAtomic(file, 'v2\n'.repeat(100), nearlyFullDisk(10)), /ENOSPC/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'v1\n');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['CURRENT']);
  });

  it(
    'with a real short write from the kernel (ulimit -f), the ledger keeps only whole lines',
    { skip: fs.existsSync('/bin/bash') ? false : 'needs bash for ulimit' },
    () => {
      const file = tempFile('2021-11.jsonl', before);
      const script = path.join(path.dirname(file), 'append.ts');
      fs.writeFileSync(
        script,
        `import { appendLines } from ${JSON.stringify(path.join(root, 'src/fsutil.ts'))};
try {
  appendLines(${JSON.stringify(file)}, Array.from({ length: 40 }, (_, i) => JSON.stringify({ n: i, pad: 'x'.repeat(100) })));
} catch (err) {
  process.stdout.write(String(err.message));
}`,
      );
      // 4 KiB allowed: the 4.5 KiB append is cut short by the kernel, its next write fails (EFBIG).
      const run = spawnSync(
        '/bin/bash',
        ['-c', `trap '' XFSZ; ulimit -f 4; exec "${process.execPath}" --import tsx "${script}"`],
        { cwd: root, encoding: 'utf8' },
      );
      assert.equal(run.status, 0, run.stderr);
      assert.match(
        run.stdout,
        /cannot append to .*2021-11\.jsonl: the file would exceed the size limit/,
      );
      assert.equal(fs.readFileSync(file, 'utf8'), before);
    },
  );
});
