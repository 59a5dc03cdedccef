import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { documented, jsonSchema } from '../../src/ledger/json-schema.ts';

test('jsonSchema: bounds, optional and nullable fields, notes on the field and on the record', () => {
  const record = documented(
    z.object({
      count: z.number().int(),
      size: z.number().int().nonnegative(),
      share: z.number().gt(0).max(1),
      kind: z.enum(['a', 'b']).nullable(),
      note: documented(z.string().min(1).optional(), { description: 'free text' }),
    }),
    { title: 'a record' },
  );
  assert.deepEqual(jsonSchema(record), {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'a record',
    type: 'object',
    properties: {
      count: {
        type: 'integer',
        minimum: Number.MIN_SAFE_INTEGER,
        maximum: Number.MAX_SAFE_INTEGER,
      },
      size: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
      share: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      kind: { anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'null' }] },
      note: { description: 'free text', type: 'string', minLength: 1 },
    },
    required: ['count', 'size', 'share', 'kind'],
    additionalProperties: false,
  });
});

test('jsonSchema refuses what it cannot publish faithfully', () => {
  assert.throws(() => jsonSchema(z.object({ at: z.date() })), /does not cover ZodDate/);
  assert.throws(() => jsonSchema(z.string().email()), /does not cover the string check email/);
  assert.throws(() => jsonSchema(z.literal(3)), /does not cover a number literal/);
});
