import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeFailure } from '../../src/cli/main.ts';
import { InvalidArgumentError } from 'commander';
import { resolveSince } from '../../src/calendar/since.ts';
import { parseDate, parseDuration, parseHorizon, parseSymbolList } from '../../src/cli/flags.ts';
import { UsageError } from '../../src/errors.ts';
import { requireSymbol } from '../../src/exchanges.ts';

/** A Node.js system error as fs raises it. */
function systemError(code: string, syscall: string, path: string): Error {
  return Object.assign(new Error(`${code}: failed, ${syscall} '${path}'`), {
    code,
    syscall,
    path,
    errno: -1,
  });
}

describe('errors a person can act on', () => {
  it('ENOENT, EACCES and EROFS name the path and are exit 2 (the path given is at fault)', () => {
    for (const [code, words] of [
      ['ENOENT', 'no such file or folder'],
      ['EACCES', 'permission denied'],
      ['EROFS', 'the file system is read-only'],
    ] as const) {
      const failure = describeFailure(systemError(code, 'open', '/srv/mlx/data/mlx.db'));
      assert.equal(failure?.exitCode, 2, code);
      assert.equal(failure?.message, `cannot open /srv/mlx/data/mlx.db: ${words} (${code})`);
      assert.ok(failure?.hint, code);
      assert.doesNotMatch(failure?.message ?? '', /unexpected failure/);
    }
  });

  it('ENOSPC names the path, is exit 1, and says what to do', () => {
    const failure = describeFailure(
      systemError('ENOSPC', 'write', '/srv/mlx/predictions/2021-11.jsonl'),
    );
    assert.deepEqual(
      [failure?.exitCode, failure?.message],
      [1, 'cannot write /srv/mlx/predictions/2021-11.jsonl: no space left on the device (ENOSPC)'],
    );
    assert.match(failure?.hint ?? '', /free some space/);
  });

  it('SQLite errors name the store: a full disk is exit 1, permissions exit 2', () => {
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    assert.equal(describeFailure(full)?.exitCode, 1);
    assert.match(describeFailure(full)?.message ?? '', /price store .*disk is full/);
    const readonly = Object.assign(new Error('attempt to write a readonly database'), {
      code: 'SQLITE_READONLY',
    });
    assert.equal(describeFailure(readonly)?.exitCode, 2);
  });

  it('a bug is still "unexpected failure", exit 1', () => {
    const failure = describeFailure(new TypeError('x is undefined'));
    assert.deepEqual([failure?.exitCode, failure?.unexpected], [1, true]);
  });

  it('--horizon abc says what is expected (commander names the flag and the value)', () => {
    assert.throws(
      () => parseHorizon('abc'),
      (err: unknown) =>
        err instanceof InvalidArgumentError &&
        err.message === 'expects a whole number of trading sessions from 1 to 60.',
    );
    for (const bad of ['', '5x', '1e3', '0x10', '2.5', '61', '0'])
      assert.throws(() => parseHorizon(bad), InvalidArgumentError, bad);
    assert.equal(parseHorizon(' 10 '), 10);
  });

  it('dates, durations and symbol lists are parsed once, at the edge', () => {
    assert.equal(parseDate('2020-02-29'), '2020-02-29');
    for (const bad of ['2021-02-29', '2020-13-01', 'soon', '2020-1-1', ''])
      assert.throws(() => parseDate(bad), InvalidArgumentError, bad);
    assert.equal(parseDuration('7d'), '7d');
    assert.equal(parseDuration('2020-01-31'), '2020-01-31');
    for (const bad of ['7', 'd', '36501d', '99999999999999999999d', '2020-02-30'])
      assert.throws(() => parseDuration(bad), InvalidArgumentError, bad);
    assert.deepEqual(parseSymbolList(' aapl, msft,,brk.b '), ['AAPL', 'MSFT', 'BRK.B']);
    assert.deepEqual(parseSymbolList('KO', ['AAPL']), ['AAPL', 'KO']);
    assert.throws(() => parseSymbolList('AAPL,A;B'), InvalidArgumentError);
  });

  it('--since 99999999999999999999d is a usage error, not "Invalid time value"', () => {
    const now = new Date('2021-04-22T12:00:00Z');
    assert.throws(
      () => resolveSince('99999999999999999999d', now),
      (err: unknown) =>
        err instanceof UsageError &&
        /--since expects Nd \(N days back, 0 to 36500/.test(err.message),
    );
    assert.throws(() => resolveSince('36501d', now), UsageError);
    assert.equal(resolveSince('36500d', now), '1921-05-17');
    assert.equal(resolveSince('7d', now), '2021-04-15');
  });

  it('an invalid symbol is refused with the rule', () => {
    assert.throws(
      () => requireSymbol('AAPL;rm'),
      (err: unknown) =>
        err instanceof UsageError &&
        /invalid symbol "AAPL;rm": a symbol is 1 to 20 characters: letters, digits and \. - = \^/.test(
          err.message,
        ),
    );
    assert.equal(requireSymbol(' tcs.ns '), 'TCS.NS');
  });
});
