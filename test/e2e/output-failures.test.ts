import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { MLX_BIN, runMlx, tempHome } from '../helpers/cli.ts';
import { cliSyntheticHome } from '../helpers/loop.ts';
import { before, describe, it } from '../helpers/suite.ts';

/**
 * C11: `mlx predict >> cron.log 2>&1` where the disk fails to keep the log
 * (fsync of stdout and stderr fails with EIO). A small LD_PRELOAD library,
 * compiled here, makes exactly those fsyncs fail; the suite skips without a
 * C compiler. The process must end, with the work done and said.
 */
const FAIL_SYNC_C = `#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
static int failing(int fd) {
  struct stat st;
  return (fd == 1 || fd == 2) && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}
int fsync(int fd) {
  if (failing(fd)) { errno = EIO; return -1; }
  return ((int (*)(int))dlsym(RTLD_NEXT, "fsync"))(fd);
}
int fdatasync(int fd) {
  if (failing(fd)) { errno = EIO; return -1; }
  return ((int (*)(int))dlsym(RTLD_NEXT, "fdatasync"))(fd);
}
`;

function compileShim(): string | null {
  const dir = tempHome('mlx-failsync-');
  fs.writeFileSync(path.join(dir, 'failsync.c'), FAIL_SYNC_C);
  const library = path.join(dir, 'failsync.so');
  const run = spawnSync('cc', ['-shared', '-fPIC', '-o', library, 'failsync.c', '-ldl'], {
    cwd: dir,
    encoding: 'utf8',
  });
  return run.status === 0 ? library : null;
}

const shim = compileShim();

describe(
  'a log file whose writes the disk fails to keep',
  { skip: shim ? false : 'no C compiler (cc) for the fsync shim' },
  () => {
    let home: string;

    before(async () => {
      home = tempHome('mlx-c11-');
      await cliSyntheticHome(home, { count: 4, seed: 11, to: '2021-12-31' });
      const trained = await runMlx(['train', '--until', '2021-10-29'], { home });
      assert.equal(trained.code, 0, trained.stderr);
    });

    it("C11: predict >> cron.log 2>&1 ends, appends its records, exits with the work's code and says what failed", () => {
      const log = path.join(home, 'cron.log');
      const run = spawnSync(
        'sh',
        [
          '-c',
          `"${process.execPath}" "${MLX_BIN}" predict --as-of 2021-11-01 --no-fetch >> "${log}" 2>&1`,
        ],
        {
          cwd: home,
          env: { ...process.env, LD_PRELOAD: shim as string, NO_COLOR: '1', MLX_HOME: undefined },
          timeout: 60_000,
          encoding: 'utf8',
        },
      );
      assert.equal(run.signal, null, 'the process ended by itself');
      assert.equal(run.status, 0);
      const text = fs.readFileSync(log, 'utf8');
      assert.match(text, /4 prediction\(s\) appended/);
      assert.match(text, /cannot write stdout: an input\/output error from the device \(EIO\)/);
      assert.match(text, /the work itself ended with exit 0/);
      const ledger = fs.readFileSync(path.join(home, 'predictions', '2021-11.jsonl'), 'utf8');
      assert.equal(ledger.trim().split('\n').length, 4);
    });

    it('a reader whose stdout is a full disk ends with its own exit code and names stdout', () => {
      const run = spawnSync(
        'sh',
        ['-c', `"${process.execPath}" "${MLX_BIN}" data ls > /dev/full`],
        { cwd: home, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000, encoding: 'utf8' },
      );
      assert.equal(run.signal, null);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stderr, /cannot write stdout: no space left on the device \(ENOSPC\)/);
      assert.doesNotMatch(run.stderr, /at writeSync|node:internal/);
    });
  },
);
