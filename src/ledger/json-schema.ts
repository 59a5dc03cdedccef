import { z } from 'zod';

/**
 * The ledger records' published JSON Schema (draft 2020-12), written from
 * their zod schemas. zod 3, which the rest of mlx uses, has no JSON Schema
 * output of its own, and zod 4's (which the records once used for it) costs
 * every command that reads a ledger about a twentieth of a second to load.
 * This covers what the records use: strings with a pattern or a least
 * length, numbers and integers with bounds, booleans, literals, enums,
 * arrays, objects (unknown keys are not published), optional and nullable
 * fields, and discriminated unions. Anything else is refused, so a new kind
 * of field cannot be published wrongly.
 */

export interface Note {
  title?: string;
  description?: string;
}

const notes = new WeakMap<z.ZodTypeAny, Note>();

/** Give a schema the title and description its JSON Schema carries; returns the schema. */
export function documented<T extends z.ZodTypeAny>(schema: T, note: Note): T {
  notes.set(schema, note);
  return schema;
}

export function jsonSchema(schema: z.ZodTypeAny): Record<string, unknown> {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...node(schema) };
}

function node(schema: z.ZodTypeAny): Record<string, unknown> {
  const note = notes.get(schema) ?? {};
  if (schema instanceof z.ZodOptional) return { ...note, ...node(schema.unwrap()) };
  return { ...note, ...shape(schema) };
}

function shape(schema: z.ZodTypeAny): Record<string, unknown> {
  if (schema instanceof z.ZodString) return stringShape(schema);
  if (schema instanceof z.ZodNumber) return numberShape(schema);
  if (schema instanceof z.ZodBoolean) return { type: 'boolean' };
  if (schema instanceof z.ZodLiteral) {
    const value: unknown = schema.value;
    if (typeof value !== 'string') throw unsupported(`a ${typeof value} literal`);
    return { type: 'string', const: value };
  }
  if (schema instanceof z.ZodEnum) return { type: 'string', enum: [...schema.options] };
  if (schema instanceof z.ZodNullable) return { anyOf: [node(schema.unwrap()), { type: 'null' }] };
  if (schema instanceof z.ZodArray) return { type: 'array', items: node(schema.element) };
  if (schema instanceof z.ZodObject) {
    const entries = Object.entries(schema.shape as Record<string, z.ZodTypeAny>);
    return {
      type: 'object',
      properties: Object.fromEntries(entries.map(([key, field]) => [key, node(field)])),
      required: entries.filter(([, field]) => !field.isOptional()).map(([key]) => key),
      additionalProperties: false,
    };
  }
  if (schema instanceof z.ZodDiscriminatedUnion)
    return { anyOf: (schema.options as z.ZodTypeAny[]).map(node) };
  throw unsupported((schema._def as { typeName?: string }).typeName ?? 'an unknown schema');
}

function stringShape(schema: z.ZodString): Record<string, unknown> {
  const out: Record<string, unknown> = { type: 'string' };
  for (const check of schema._def.checks) {
    if (check.kind === 'regex') out.pattern = check.regex.source;
    else if (check.kind === 'min') out.minLength = check.value;
    else throw unsupported(`the string check ${check.kind}`);
  }
  return out;
}

/** As zod 4 publishes them: an integer without a bound in one direction is bounded there by the safe range. */
function numberShape(schema: z.ZodNumber): Record<string, unknown> {
  const checks = schema._def.checks;
  const integer = checks.some((check) => check.kind === 'int');
  const out: Record<string, unknown> = { type: integer ? 'integer' : 'number' };
  let low = false;
  let high = false;
  for (const check of checks) {
    if (check.kind === 'min') {
      out[check.inclusive ? 'minimum' : 'exclusiveMinimum'] = check.value;
      low = true;
    } else if (check.kind === 'max') {
      out[check.inclusive ? 'maximum' : 'exclusiveMaximum'] = check.value;
      high = true;
    } else if (check.kind !== 'int') throw unsupported(`the number check ${check.kind}`);
  }
  if (integer && !low) out.minimum = Number.MIN_SAFE_INTEGER;
  if (integer && !high) out.maximum = Number.MAX_SAFE_INTEGER;
  return out;
}

function unsupported(what: string): Error {
  return new Error(`the ledger's JSON Schema writer does not cover ${what}`);
}
