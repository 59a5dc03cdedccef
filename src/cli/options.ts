import { UsageError } from '../errors.ts';

/**
 * A whole-number flag, read strictly: "abc", "5x", "1e3" and "" are refused
 * naming what was given and what is expected (Number() would say NaN or accept them).
 */
export function integerOption(
  flag: string,
  raw: string,
  range: { min: number; max: number; unit?: string },
): number {
  const value = /^[+-]?\d{1,15}$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new UsageError(
      `${flag} expects a whole number${range.unit ? ` of ${range.unit}` : ''} from ${range.min} to ${range.max}, got "${raw.slice(0, 40)}"`,
    );
  }
  return value;
}

/** A seed: any whole number a 32-bit generator can take. */
export function seedOption(flag: string, raw: string): number {
  return integerOption(flag, raw, { min: -(2 ** 31), max: 2 ** 32 - 1 });
}
