import { z } from 'zod';

/**
 * A record schema compiled into one plain function, which takes what zod
 * takes and returns what zod returns (the known keys, in the schema's order;
 * unknown keys dropped), and returns `REJECTED` where zod would fail without
 * saying why: the ledger reader then asks zod, which names the field. zod 3
 * took about 24 µs a prediction line once warm, and more in a command's first
 * milliseconds, so validating was most of reading a ledger; this takes a
 * third of that.
 * It covers what the records use (the same kinds as `json-schema.ts`) and
 * refuses anything else when it compiles; a test holds it to zod's verdicts
 * on valid and broken records.
 */
export const REJECTED: unique symbol = Symbol('rejected');

type Parse = (value: unknown) => unknown;

export interface ParserOptions {
  /** Every object and array returned is frozen as it is made (readers share the records). */
  freeze?: boolean;
  /** A field of the record itself (not of its parts) left out of what is returned. */
  omit?: string;
}

export function compileParser<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  options: ParserOptions = {},
): (value: unknown) => T | typeof REJECTED {
  return compile(schema, { freeze: options.freeze === true, omit: options.omit }) as (
    value: unknown,
  ) => T | typeof REJECTED;
}

/** How to compile: `omit` is set while compiling the record's own level. */
interface Compiling {
  freeze: boolean;
  omit: string | undefined;
}

function compile(schema: z.ZodTypeAny, how: Compiling): Parse {
  if (schema instanceof z.ZodOptional) {
    const parse = compile(schema.unwrap(), how);
    return (value) => (value === undefined ? undefined : parse(value));
  }
  if (schema instanceof z.ZodNullable) {
    const parse = compile(schema.unwrap(), how);
    return (value) => (value === null ? null : parse(value));
  }
  if (schema instanceof z.ZodString) return stringParser(schema);
  if (schema instanceof z.ZodNumber) return numberParser(schema);
  if (schema instanceof z.ZodBoolean)
    return (value) => (typeof value === 'boolean' ? value : REJECTED);
  if (schema instanceof z.ZodLiteral) {
    const literal: unknown = schema.value;
    return (value) => (value === literal ? value : REJECTED);
  }
  if (schema instanceof z.ZodEnum) {
    const options = new Set<unknown>(schema.options as string[]);
    return (value) => (options.has(value) ? value : REJECTED);
  }
  if (schema instanceof z.ZodArray) return arrayParser(schema, { ...how, omit: undefined });
  if (schema instanceof z.ZodObject) return objectParser(schema, how);
  if (schema instanceof z.ZodDiscriminatedUnion) return unionParser(schema, how);
  throw unsupported((schema._def as { typeName?: string }).typeName ?? 'an unknown schema');
}

function stringParser(schema: z.ZodString): Parse {
  let minLength = 0;
  const patterns: RegExp[] = [];
  for (const check of schema._def.checks) {
    if (check.kind === 'min') minLength = Math.max(minLength, check.value);
    // Its own flags but those that make a RegExp remember where it stopped (zod resets it).
    else if (check.kind === 'regex')
      patterns.push(new RegExp(check.regex.source, check.regex.flags.replace(/[gy]/g, '')));
    else throw unsupported(`the string check ${check.kind}`);
  }
  return (value) =>
    typeof value === 'string' &&
    value.length >= minLength &&
    patterns.every((pattern) => pattern.test(value))
      ? value
      : REJECTED;
}

function numberParser(schema: z.ZodNumber): Parse {
  const tests: ((value: number) => boolean)[] = [];
  for (const check of schema._def.checks) {
    const bound = check.kind === 'min' || check.kind === 'max' ? check.value : 0;
    if (check.kind === 'int') tests.push(Number.isInteger);
    else if (check.kind === 'min')
      tests.push(check.inclusive ? (value) => value >= bound : (value) => value > bound);
    else if (check.kind === 'max')
      tests.push(check.inclusive ? (value) => value <= bound : (value) => value < bound);
    else throw unsupported(`the number check ${check.kind}`);
  }
  return (value) =>
    typeof value === 'number' && !Number.isNaN(value) && tests.every((test) => test(value))
      ? value
      : REJECTED;
}

function arrayParser(schema: z.ZodArray<z.ZodTypeAny>, how: Compiling): Parse {
  const { minLength, maxLength, exactLength } = schema._def;
  if (minLength || maxLength || exactLength) throw unsupported('an array with a length check');
  const element = compile(schema.element, how);
  return (value) => {
    if (!Array.isArray(value)) return REJECTED;
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const parsed = element(value[i]);
      if (parsed === REJECTED) return REJECTED;
      out[i] = parsed;
    }
    return how.freeze ? Object.freeze(out) : out;
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectParser(schema: z.AnyZodObject, how: Compiling): Parse {
  if (schema._def.unknownKeys !== 'strip' || !(schema._def.catchall instanceof z.ZodNever))
    throw unsupported('an object that keeps or refuses unknown keys');
  const inner = { ...how, omit: undefined };
  const fields = Object.entries(schema.shape as Record<string, z.ZodTypeAny>).map(
    ([key, field]) => ({ key, keep: key !== how.omit, parse: compile(field, inner) }),
  );
  return (value) => {
    if (!isObject(value)) return REJECTED;
    const out: Record<string, unknown> = {};
    for (const { key, keep, parse } of fields) {
      const parsed = parse(value[key]);
      if (parsed === REJECTED) return REJECTED;
      // As zod: a key that was there is kept, even undefined; one that was not, is not made.
      if (keep && (parsed !== undefined || key in value)) out[key] = parsed;
    }
    return how.freeze ? Object.freeze(out) : out;
  };
}

function unionParser(
  schema: z.ZodDiscriminatedUnion<string, z.ZodDiscriminatedUnionOption<string>[]>,
  how: Compiling,
): Parse {
  const { discriminator } = schema;
  const options = new Map<unknown, Parse>(
    [...schema.optionsMap].map(([tag, option]) => [tag, compile(option, how)]),
  );
  return (value) => {
    if (!isObject(value)) return REJECTED;
    const parse = options.get(value[discriminator]);
    return parse ? parse(value) : REJECTED;
  };
}

function unsupported(what: string): Error {
  return new Error(`the ledger's record parser does not cover ${what}`);
}
