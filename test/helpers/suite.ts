import * as nodeTest from 'node:test';

/**
 * node:test's describe, it, test, before and after, with one difference: a
 * suite given `skip` skips each of its tests (counted, with the reason) and
 * runs none of its hooks. node's runner counts a skipped describe as zero
 * skipped tests, so "ℹ skipped 0" hid whole suites that did not run (no
 * libxgboost, no ../shared/data, no Chromium). Import these from here in a
 * file that skips a suite.
 */
type Options = nodeTest.TestOptions;
type TestFn = (t: nodeTest.TestContext) => void | Promise<void>;
type HookFn = () => unknown;

const skipping: string[] = [];
const reason = (): string | false => skipping.at(-1) ?? false;

function split<F>(rest: [F] | [Options, F]): [Options, F] {
  return rest.length === 1 ? [{}, rest[0]] : rest;
}

export function describe(name: string, ...rest: [() => void] | [Options, () => void]): void {
  const [{ skip, ...options }, body] = split(rest);
  const why = skip ? (typeof skip === 'string' ? skip : 'skipped') : false;
  // node runs a suite's body at once, while the file loads: tests declared in it see `why`.
  void nodeTest.describe(name, options, () => {
    if (why) skipping.push(why);
    try {
      body();
    } finally {
      if (why) skipping.pop();
    }
  });
}

export function it(name: string, ...rest: [TestFn] | [Options, TestFn]): void {
  const [options, fn] = split(rest);
  void nodeTest.it(name, { ...options, skip: reason() || options.skip }, fn);
}

export const test = it;

export function before(fn: HookFn): void {
  const why = reason();
  nodeTest.before(why ? () => {} : fn);
}

export function after(fn: HookFn): void {
  const why = reason();
  nodeTest.after(why ? () => {} : fn);
}
