import fs from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

/**
 * mlx.config.json. Every setting has a default, unknown keys are rejected
 * (a typo must not silently fall back to a default), and errors name the field.
 */
const regimeSchema = z
  .object({
    lookbackSessions: z.number().int().min(2).default(20),
    bullishReturn: z.number().default(0.05),
    bearishReturn: z.number().default(-0.05),
    volatileAnnualised: z.number().positive().default(0.35),
  })
  .strict();

const signalWeightsSchema = z
  .object({
    overbought: z.number().default(-0.3),
    oversold: z.number().default(0.3),
    macd_positive: z.number().default(0.2),
    golden_cross: z.number().default(0.4),
    death_cross: z.number().default(-0.4),
    regime_bullish: z.number().default(0.3),
    xgb: z.number().default(1),
    lstm: z.number().default(1),
  })
  .strict();

const adaptationSchema = z
  .object({
    learningRate: z.number().positive().max(1).default(0.1),
    floor: z.number().positive().default(0.25),
    cap: z.number().positive().default(4),
    shrink: z.number().min(0).max(1).default(0.2),
    magnitudeWindow: z.number().int().positive().default(20),
  })
  .strict();

export const configSchema = z
  .object({
    schema: z.literal('mlx.config/1').default('mlx.config/1'),
    /** Symbols to train and predict; empty means every symbol in the store. */
    universe: z.array(z.string().min(1)).default([]),
    horizonDays: z.number().int().min(1).max(60).default(5),
    source: z.enum(['yahoo', 'synthetic']).default('yahoo'),
    models: z.array(z.enum(['xgb', 'lstm'])).default(['xgb', 'lstm']),
    modelName: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/)
      .default('default'),
    seed: z.number().int().default(42),
    staleSessions: z.number().int().min(0).default(3),
    regime: regimeSchema.default({}),
    signalWeights: signalWeightsSchema.default({}),
    adaptation: adaptationSchema.default({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type RegimeThresholds = Config['regime'];

/** Pure: validate a parsed JSON value, naming `source` and the field on error. */
export function validateConfig(raw: unknown, source: string): Config {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new ConfigError(
      `${source}: ${field}: ${issue.message}`,
      'fix the setting or remove it to use the default (see README, "Configuration")',
    );
  }
  return parsed.data;
}

export function defaultConfig(): Config {
  return configSchema.parse({});
}

/** Read the config file; a missing file is fine unless it was named explicitly. */
export function readConfig(file: string, explicit: boolean): Config {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) return defaultConfig();
    throw new ConfigError(`cannot read config ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  return validateConfig(raw, file);
}
