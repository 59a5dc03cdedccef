import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { MLX_BIN, runMlx, tempHome } from '../helpers/cli.ts';
import { cliSyntheticHome } from '../helpers/loop.ts';
import { describe, it } from '../helpers/suite.ts';

/**
 * D02: a home on a read-only mount (a shared folder) still answers every
 * reader. The mount is made in a private mount namespace (unshare -m), which
 * needs root or user namespaces: elsewhere the suite skips.
 */
function canMountReadOnly(): boolean {
  const dir = tempHome('mlx-ro-probe-');
  const run = spawnSync(
    'unshare',
    [
      '-m',
      'sh',
      '-c',
      `mount --bind "${dir}" "${dir}" && mount -o remount,ro,bind "${dir}" "${dir}"`,
    ],
    { encoding: 'utf8' },
  );
  return run.status === 0;
}

const skip = canMountReadOnly()
  ? false
  : 'cannot make a read-only mount here (needs unshare -m and mount)';

/** Run each mlx command in `home` with `home` (or its folder `sub`) mounted read-only. */
function runReadOnly(
  home: string,
  commands: string[][],
  sub = '',
): { code: number; out: string; err: string }[] {
  const mounted = path.join(home, sub);
  const out = path.join(tempHome('mlx-ro-out-'), 'results');
  fs.mkdirSync(out);
  const lines = commands.map(
    (args, i) =>
      `"${process.execPath}" "${MLX_BIN}" ${args.map((a) => `'${a}'`).join(' ')} --home "${home}" ` +
      `> "${out}/${i}.out" 2> "${out}/${i}.err"; echo $? > "${out}/${i}.code"`,
  );
  const script = [
    `mount --bind "${mounted}" "${mounted}" && mount -o remount,ro,bind "${mounted}" "${mounted}" || exit 99`,
    `touch "${mounted}/probe" 2>/dev/null && exit 98`,
    ...lines,
  ].join('\n');
  const run = spawnSync('unshare', ['-m', 'sh', '-c', script], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', MLX_HOME: undefined },
  });
  assert.equal(run.status, 0, `the read-only mount failed: ${run.stderr}`);
  return commands.map((_, i) => ({
    code: Number(fs.readFileSync(`${out}/${i}.code`, 'utf8')),
    out: fs.readFileSync(`${out}/${i}.out`, 'utf8'),
    err: fs.readFileSync(`${out}/${i}.err`, 'utf8'),
  }));
}

describe('a read-only home reads', { skip }, () => {
  it('D02: report, predictions, data ls/show, models ls, features and doctor work on a read-only mount, and change nothing', async () => {
    const home = tempHome('mlx-ro-');
    await cliSyntheticHome(home, { count: 3, seed: 5, to: '2021-06-30' });
    const symbol = (
      JSON.parse((await runMlx(['data', 'ls', '--json'], { home })).stdout) as {
        symbol: string;
      }[]
    )[0].symbol;
    const before = fs.statSync(path.join(home, 'data', 'mlx.db'));
    const commands = [
      ['data', 'ls', '--json'],
      ['data', 'show', symbol],
      ['report', '--json'],
      ['predictions'],
      ['models', 'ls'],
      ['features', symbol, '--last', '2'],
      ['doctor', '--json'],
    ];
    const results = runReadOnly(home, commands);
    results.forEach((result, i) => {
      const name = commands[i].join(' ');
      assert.doesNotMatch(result.err, /cannot open the price store|read-only|SQLITE/, name);
      // doctor fails on stale data (the market ends in 2021), never on the mount.
      assert.equal(result.code, name.startsWith('doctor') ? 1 : 0, `${name}: ${result.err}`);
    });
    const doctor = JSON.parse(results[6].out) as { checks: { name: string; ok: boolean }[] };
    assert.ok(doctor.checks.find((c) => c.name === 'price store')?.ok);
    assert.equal(fs.statSync(path.join(home, 'data', 'mlx.db')).mtimeMs, before.mtimeMs);
  });

  it('a read-only models/ is named as such when train writes its version, not "no such file"', async () => {
    const home = tempHome('mlx-ro-models-');
    await cliSyntheticHome(home, { count: 3, seed: 5, to: '2021-06-30' });
    fs.mkdirSync(path.join(home, 'models'));
    const [train] = runReadOnly(home, [['train', '--until', '2021-04-30']], 'models');
    assert.equal(train.code, 2, train.err);
    assert.match(
      train.err,
      /cannot create the folder .*models\/default.*: the file system is read-only \(EROFS\)/,
    );
    assert.doesNotMatch(train.err, /ENOENT/);
  });
});

describe('an empty store', () => {
  it('a 0-byte store is named, and no command writes it', async () => {
    const home = tempHome('mlx-empty-');
    fs.mkdirSync(path.join(home, 'data'));
    fs.writeFileSync(path.join(home, 'data', 'mlx.db'), '');
    for (const args of [
      ['data', 'ls'],
      ['report'],
      ['features', 'AAPL'],
      ['verify', '--no-fetch'],
      ['data', 'fetch', '--source', 'synthetic', '--count', '2', '--to', '2021-01-29'],
    ]) {
      const run = await runMlx(args, { home });
      assert.equal(run.code, 1, args.join(' '));
      assert.match(run.stderr, /price store .*mlx\.db is empty \(0 bytes\)/, args.join(' '));
      assert.equal(fs.statSync(path.join(home, 'data', 'mlx.db')).size, 0, args.join(' '));
    }
  });
});
