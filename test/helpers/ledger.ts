import fs from 'node:fs';
import path from 'node:path';
import { calendarFor } from '../../src/calendar/index.ts';
import { fetchData } from '../../src/commands/data-fetch.ts';
import type { Context } from '../../src/context.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { predictionSchema, type Prediction, type PredictionV1 } from '../../src/ledger/records.ts';
import { predictionId } from '../../src/prediction/record.ts';
import { PriceStore } from '../../src/store/price-store.ts';
import { testContext } from './context.ts';

/**
 * A home with a small seeded synthetic market (2021) and a prediction ledger
 * written by hand — no model needed — for tests of verify, report and doctor.
 * The clock is 2022-01-03, so every target below is long past.
 */
export async function ledgerHome(
  symbols = 3,
  now = '2022-01-03T12:00:00Z',
): Promise<Context & { lines: string[] }> {
  const ctx = testContext({ now });
  await fetchData(ctx, {
    symbols: [],
    source: 'synthetic',
    count: symbols,
    seed: 5,
    from: '2021-01-04',
    to: '2021-12-31',
  });
  return ctx;
}

/** A prediction record for `symbol` at `asOf`, priced from the store, direction `up`. */
export function handPrediction(
  ctx: Context,
  symbol: string,
  asOf: string,
  overrides: Partial<PredictionV1> = {},
): Prediction {
  const store = PriceStore.open(ctx.home.db);
  const close = store.bars(symbol, { from: asOf, until: asOf })[0]?.close ?? 100;
  store.close();
  const horizon = 5;
  return {
    schema: 'mlx.prediction/1',
    id: predictionId(symbol, asOf, horizon, 'default', 'hand'),
    symbol,
    as_of: asOf,
    created_at: `${asOf}T22:00:00.000Z`,
    horizon_days: horizon,
    target_date: calendarFor('US').addSessions(asOf, horizon),
    current_price: close,
    predicted_price: Math.round(close * 102) / 100,
    predicted_change_pct: 2,
    interval: {
      level: 0.8,
      low: Math.round(close * 95) / 100,
      high: Math.round(close * 109) / 100,
    },
    direction: 'up',
    probability_up: 0.6,
    confidence: 0.5,
    market_regime: 'bullish',
    signals: [
      { name: 'golden_cross', value: 0.4, weight: 1 },
      { name: 'macd_positive', value: 0.2, weight: 1 },
    ],
    components: { xgb: 0.01, rules: 0.006 },
    model: { name: 'default', version: 'hand', feature_set: 'fs1-hand' },
    price_basis: { close, adj_factor: 1 },
    ...overrides,
  };
}

/** Append predictions to the ledger as predict does. */
export function appendPredictions(ctx: Context, records: readonly Prediction[]): void {
  new Ledger(ctx.home.predictionsDir, predictionSchema).append(records, (r) => r.as_of.slice(0, 7));
}

/** Predictions for every symbol at each session given. */
export function predictSessions(
  ctx: Context,
  symbols: readonly string[],
  sessions: readonly string[],
): Prediction[] {
  const records = sessions.flatMap((s) => symbols.map((symbol) => handPrediction(ctx, symbol, s)));
  appendPredictions(ctx, records);
  return records;
}

/** Every record of a ledger folder's files, without the digest that chains its line. */
export function ledgerRecords(dir: string): Record<string, unknown>[] {
  if (!fs.existsSync(dir)) return [];
  return (
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .sort()
      .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      // Seal lines (doctor --repair) hold no record.
      .filter((record) => record.schema !== 'mlx.seal/1')
      .map(({ digest: _digest, ...record }) => record)
  );
}

/** Every per-stock weight row in the home's store, as the weights table holds them. */
export function weightsOf(ctx: Context): unknown[] {
  const store = PriceStore.open(ctx.home.db);
  try {
    return store.weights.rows();
  } finally {
    store.close();
  }
}
