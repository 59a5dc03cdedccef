import { calendarFor } from '../../src/calendar/index.ts';
import { fetchData } from '../../src/commands/data-fetch.ts';
import { verify } from '../../src/commands/verify.ts';
import type { Context } from '../../src/context.ts';
import type { Prediction } from '../../src/ledger/records.ts';
import { predictionId } from '../../src/prediction/record.ts';
import { createRandom } from '../../src/random.ts';
import { PriceStore } from '../../src/store/price-store.ts';
import { appendPredictions } from './ledger.ts';
import { testContext } from './context.ts';

const HORIZON = 5;

/**
 * A home with a seeded synthetic market (2021) and a ledger of mlx.prediction/2
 * records for every symbol and session from `from` to `to`, scored with some
 * real skill (each score is the realised 5-session return plus noise), then
 * verified and its weights adapted by the real `verify` — no model, so it
 * builds in seconds. For tests of report, the tear sheet and predictions.
 */
export async function verifiedHome(
  options: { symbols?: number; from?: string; to?: string; seed?: number } = {},
): Promise<Context & { lines: string[]; sessions: string[]; symbols: string[] }> {
  const ctx = testContext({ now: '2022-01-03T12:00:00Z' });
  await fetchData(ctx, {
    symbols: [],
    source: 'synthetic',
    count: options.symbols ?? 10,
    seed: options.seed ?? 7,
    from: '2021-01-04',
    to: '2021-12-31',
  });
  const calendar = calendarFor('US');
  const sessions = calendar.sessionsBetween(
    options.from ?? '2021-03-01',
    options.to ?? '2021-10-29',
  );
  const random = createRandom(options.seed ?? 7);
  const store = PriceStore.open(ctx.home.db);
  const records: Prediction[] = [];
  const symbols = store.symbolNames();
  try {
    for (const symbol of symbols) {
      const series = store.adjusted(symbol);
      const index = new Map(series.dates.map((d, i) => [d, i]));
      const bars = store.bars(symbol, {});
      const raw = new Map(bars.map((b) => [b.date, b.close]));
      for (const asOf of sessions) {
        const i = index.get(asOf);
        if (i === undefined || i + HORIZON >= series.dates.length) continue;
        const realised = Math.log(series.close[i + HORIZON] / series.close[i]);
        const score = realised + random.normal() * 0.08;
        const close = raw.get(asOf) as number;
        const change = Math.expm1(score * 0.3);
        const probabilityUp = 1 / (1 + Math.exp(-score / 0.03));
        const round = (v: number) => Math.round(v * 100) / 100;
        records.push({
          schema: 'mlx.prediction/2',
          id: predictionId(symbol, asOf, HORIZON, 'default', 'fixture'),
          symbol,
          as_of: asOf,
          created_at: `${asOf}T22:00:00.000Z`,
          horizon_days: HORIZON,
          target_date: calendar.addSessions(asOf, HORIZON),
          current_price: close,
          predicted_price: round(close * (1 + change)),
          predicted_change_pct: round(change * 100),
          interval: {
            level: 0.8,
            low: round(close * (1 + change - 0.05)),
            high: round(close * (1 + change + 0.05)),
          },
          direction: probabilityUp >= 0.5 ? 'up' : 'down',
          probability_up: probabilityUp,
          confidence: Math.min(1, Math.abs(score) * 10),
          market_regime: score > 0.02 ? 'bullish' : 'sideways',
          signals: [
            { name: 'macd_positive', value: score > 0 ? 0.2 : 0, weight: 1 },
            { name: 'golden_cross', value: score > 0.03 ? 0.4 : 0, weight: 1 },
            { name: 'death_cross', value: score < -0.03 ? -0.4 : 0, weight: 1 },
          ],
          components: { xgb: score + random.normal() * 0.02, lstm: -score / 2, rules: score / 3 },
          model: { name: 'default', version: 'fixture', feature_set: 'fs1-fixture' },
          price_basis: { close, adj_factor: 1 },
          expected_excess_pct: round(score * 30),
          drift_pct: 0.2,
          rank_pct: 50,
          probability_outperform: probabilityUp,
          ensemble_score: score,
          relative: { xgb: score, lstm: -score / 2, rules: score / 3 },
          volatility: 0.3,
          interval_scale: 0.3,
        });
      }
    }
  } finally {
    store.close();
  }
  appendPredictions(ctx, records);
  await verify(ctx, { dryRun: false, fetch: false });
  return Object.assign(ctx, { sessions, symbols });
}
