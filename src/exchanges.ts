import { UsageError } from './errors.ts';

/**
 * Where a symbol trades, from its Yahoo-style suffix: `TCS.NS` → NSE in
 * Asia/Kolkata. No suffix means a US listing (NYSE calendar).
 */
const SUFFIXES: Record<string, { exchange: string; timezone: string; currency: string }> = {
  NS: { exchange: 'NSE', timezone: 'Asia/Kolkata', currency: 'INR' },
  BO: { exchange: 'BSE', timezone: 'Asia/Kolkata', currency: 'INR' },
  L: { exchange: 'LSE', timezone: 'Europe/London', currency: 'GBP' },
  TO: { exchange: 'TSX', timezone: 'America/Toronto', currency: 'CAD' },
  DE: { exchange: 'XETRA', timezone: 'Europe/Berlin', currency: 'EUR' },
  PA: { exchange: 'EPA', timezone: 'Europe/Paris', currency: 'EUR' },
  AS: { exchange: 'AMS', timezone: 'Europe/Amsterdam', currency: 'EUR' },
  HK: { exchange: 'HKEX', timezone: 'Asia/Hong_Kong', currency: 'HKD' },
  T: { exchange: 'TSE', timezone: 'Asia/Tokyo', currency: 'JPY' },
  AX: { exchange: 'ASX', timezone: 'Australia/Sydney', currency: 'AUD' },
};

export interface Listing {
  exchange: string;
  timezone: string;
  currency: string | null;
}

export function listingForSymbol(symbol: string): Listing {
  const dot = symbol.lastIndexOf('.');
  const suffix = dot > 0 ? symbol.slice(dot + 1).toUpperCase() : '';
  const known = SUFFIXES[suffix];
  if (known) return known;
  // Share-class dots (BRK.B) are US listings too.
  if (suffix.length <= 1) return { exchange: 'US', timezone: 'America/New_York', currency: 'USD' };
  return { exchange: suffix, timezone: 'UTC', currency: null };
}

/** Symbols as users type them: trimmed, upper-cased, validated. */
export function normaliseSymbol(raw: string): string | null {
  const symbol = raw.trim().toUpperCase();
  return /^[A-Z0-9^][A-Z0-9.\-=^]{0,19}$/.test(symbol) ? symbol : null;
}

/** The rule normaliseSymbol applies, in words. */
export const SYMBOL_RULE =
  'a symbol is 1 to 20 characters: letters, digits and . - = ^, starting with a letter, a digit or ^ ' +
  '(e.g. AAPL, BRK.B, TCS.NS, ^GSPC; letters are upper-cased)';

/** A symbol that breaks the rule, named with the rule. */
export function invalidSymbolError(raw: string, what = 'symbol'): UsageError {
  return new UsageError(`invalid ${what} ${quote(raw)}: ${SYMBOL_RULE}`);
}

/** Normalise or throw invalidSymbolError. */
export function requireSymbol(raw: string, what?: string): string {
  const symbol = normaliseSymbol(raw);
  if (!symbol) throw invalidSymbolError(raw, what);
  return symbol;
}

function quote(raw: string): string {
  const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  return JSON.stringify(shown);
}
