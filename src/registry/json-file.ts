import fs from 'node:fs';
import type { ZodType, ZodTypeDef } from 'zod';
import { DataError, fileSystemError, isSystemError } from '../errors.ts';

/** A model file as mlx writes it: two-space JSON and a final newline (into a version's temp folder). */
export function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

export interface ReadOptions {
  /** A missing file is null rather than an error. */
  optional?: boolean;
  /**
   * Return the document as written (keys in the file's order, undeclared keys
   * kept) once it validates; for schemas without defaults or transforms.
   */
  asWritten?: boolean;
}

/**
 * Read a JSON file and validate it, naming the file and field on error. A
 * missing file is an error, or null with `optional`.
 */
export function readValidated<T>(
  file: string,
  schema: ZodType<T, ZodTypeDef, unknown>,
  options?: ReadOptions & { optional?: false },
): T;
export function readValidated<T>(
  file: string,
  schema: ZodType<T, ZodTypeDef, unknown>,
  options: ReadOptions & { optional: true },
): T | null;
export function readValidated<T>(
  file: string,
  schema: ZodType<T, ZodTypeDef, unknown>,
  options: ReadOptions = {},
): T | null {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    if (isSystemError(err) && err.code === 'ENOENT') {
      if (options.optional) return null;
      throw new DataError(`${file}: the file is missing`);
    }
    if (err instanceof SyntaxError)
      throw new DataError(`${file}: not valid JSON, truncated or damaged (${err.message})`);
    throw fileSystemError(err, 'cannot read', file);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataError(`${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return options.asWritten ? (raw as T) : parsed.data;
}
