import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { compileParser, REJECTED } from '../../src/ledger/fast-parse.ts';
import { predictionSchema, verificationSchema } from '../../src/ledger/records.ts';

const fixtures = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/ledger-0.1/predictions',
);
const firstLine = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0]);

/** One record of each version, as mlx writes them (the version 1 lines from mlx 0.1's ledger). */
const predictionV1 = firstLine(path.join(fixtures, '2026-09.jsonl'));
const verificationV1 = firstLine(path.join(fixtures, 'verifications/2026-09.jsonl'));
const predictionV2 = {
  ...predictionV1,
  schema: 'mlx.prediction/2',
  in_sample: false,
  supersedes: '0123456789abcdef',
  expected_excess_pct: -2.12,
  drift_pct: 0.2,
  rank_pct: 50,
  probability_outperform: 0.09,
  ensemble_score: -0.07,
  relative: { xgb: -0.07, lstm: 0.035, rules: -0.02 },
  volatility: 0.3,
  interval_scale: 0.3,
  explain: [{ feature: 'ret_5', value: 0.01, contribution: -0.002 }],
  digest: '15373a45c1c475a649afc4f781e119d5',
};
const verificationV2 = {
  ...verificationV1,
  schema: 'mlx.verification/2',
  universe_change_pct: 2.7273,
  universe_size: 10,
  actual_excess_pct: 3.8893,
  excess_hit: true,
  digest: 'bc302bc1af210b92f78ef3a50ab665b0',
};

const REPLACEMENTS: unknown[] = [
  undefined,
  null,
  'x',
  '',
  '2021-13-45',
  '0123456789abcdef0123456789abcdef',
  -1,
  0,
  0.5,
  1,
  2.5,
  Number.NaN,
  true,
  [],
  {},
  'mlx.prediction/1',
  'mlx.verification/2',
  'up',
  'volatile',
  'verified',
];

/** Every path to a value in `value`, objects' keys and arrays' items alike. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const children = Array.isArray(value)
    ? value.map((item, i) => paths(item, [...prefix, i]))
    : Object.entries(value).map(([key, item]) => paths(item, [...prefix, key]));
  return [prefix, ...children.flat()];
}

/** `record` with the value at `at` replaced (removed when `replacement` is undefined). */
function mutated(record: unknown, at: (string | number)[], replacement: unknown): unknown {
  if (at.length === 0) return replacement;
  const copy = structuredClone(record) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of at.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = at[at.length - 1];
  if (replacement === undefined && !Array.isArray(parent)) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

function agrees(schema: z.ZodType<unknown, z.ZodTypeDef, unknown>, values: unknown[]): number {
  const parse = compileParser(schema);
  for (const value of values) {
    const fast = parse(value);
    const zod = schema.safeParse(value);
    const shown = JSON.stringify(value);
    assert.equal(fast !== REJECTED, zod.success, `verdicts differ on ${shown}`);
    // The same keys in the same order, and the same values.
    if (zod.success) {
      assert.deepEqual(fast, zod.data, `values differ on ${shown}`);
      assert.deepEqual(Object.keys(fast as object), Object.keys(zod.data as object));
    }
  }
  return values.length;
}

for (const [name, schema, records] of [
  ['prediction', predictionSchema, [predictionV1, predictionV2]],
  ['verification', verificationSchema, [verificationV1, verificationV2]],
] as const) {
  test(`compiled ${name} parser: zod's verdict and value on every record broken one field at a time`, () => {
    const cases = records.flatMap((record) => [
      record,
      { ...record, unknown_field: 1 },
      ...paths(record).flatMap((at) =>
        [...REPLACEMENTS, { nested: 1 }].map((replacement) => mutated(record, at, replacement)),
      ),
    ]);
    const checked = agrees(schema as z.ZodType<unknown, z.ZodTypeDef, unknown>, cases);
    assert.ok(checked > 500, `only ${checked} cases`);
    // The valid ones really parse (the test is not only of rejections).
    const parse = compileParser(schema as z.ZodType<unknown, z.ZodTypeDef, unknown>);
    for (const record of records) assert.notEqual(parse(record), REJECTED);
  });
}

test('compiled parser: optional keys present as undefined are kept, unknown keys dropped', () => {
  const schema = z.object({ a: z.number().optional(), b: z.string() });
  const parse = compileParser(schema);
  assert.deepEqual(Object.keys(parse({ a: undefined, b: 'x', c: 1 }) as object), ['a', 'b']);
  assert.deepEqual(Object.keys(parse({ b: 'x' }) as object), ['b']);
});

test('compiled parser: a pattern keeps its own flags, and no match is remembered between lines', () => {
  const parse = compileParser(z.object({ code: z.string().regex(/^ab$/gi) }));
  assert.deepEqual(parse({ code: 'AB' }), { code: 'AB' });
  assert.deepEqual(parse({ code: 'AB' }), { code: 'AB' });
  assert.equal(parse({ code: 'abc' }), REJECTED);
});

test('compiled parser refuses schemas it does not cover', () => {
  assert.throws(() => compileParser(z.object({ at: z.date() })), /does not cover ZodDate/);
  assert.throws(() => compileParser(z.string().email()), /does not cover the string check email/);
  assert.throws(() => compileParser(z.object({}).strict()), /keeps or refuses unknown keys/);
  assert.throws(() => compileParser(z.array(z.string()).min(1)), /length check/);
});

test('compiled parser for a ledger: frozen at every level, the record-level field left out', () => {
  const part = z.object({ digest: z.string(), n: z.number() });
  const schema = z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('a'), parts: z.array(part), digest: z.string() }),
    z.object({ kind: z.literal('b'), part: part.nullable(), digest: z.string().optional() }),
  ]);
  const parse = compileParser(schema, { freeze: true, omit: 'digest' });
  const a = parse({ kind: 'a', parts: [{ digest: 'x', n: 1 }], digest: 'd' });
  assert.deepEqual(a, { kind: 'a', parts: [{ digest: 'x', n: 1 }] }, 'a part keeps its own');
  const b = parse({ kind: 'b', part: { digest: 'y', n: 2 }, digest: 'd' });
  assert.deepEqual(b, { kind: 'b', part: { digest: 'y', n: 2 } });
  assert.ok(Object.isFrozen(a) && Object.isFrozen(a.kind === 'a' && a.parts));
  assert.ok(a.kind === 'a' && Object.isFrozen(a.parts[0]));
  assert.ok(b.kind === 'b' && Object.isFrozen(b.part));
  // The field is still checked: a bad digest is refused, as zod refuses it.
  assert.equal(parse({ kind: 'a', parts: [], digest: 7 }), REJECTED);
  // Without the options, nothing is frozen and nothing left out.
  const plain = compileParser(schema)({ kind: 'b', part: null, digest: 'd' });
  assert.deepEqual(plain, { kind: 'b', part: null, digest: 'd' });
  assert.ok(!Object.isFrozen(plain));
});
