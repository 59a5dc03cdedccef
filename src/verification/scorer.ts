import type { Context } from '../context.ts';
import type { Prediction } from '../ledger/records.ts';
import { adjustBars } from '../store/adjust.ts';
import type { PriceStore } from '../store/price-store.ts';
import type { AdjustedSeries } from '../store/types.ts';
import { scorePrediction, universeMove, type Scored, type UniverseMove } from './score.ts';
import { Home } from '../home-files/home.ts';
import { UNRESOLVABLE_AFTER_DAYS } from './unresolvable.ts';

/**
 * Scores predictions against each symbol's bars from the earliest prediction
 * to "now" (bars after now do not exist as far as scoring goes: a replay pins
 * the clock), and against their universe's move over the same sessions.
 * Ratios between two bars do not depend on where the history starts, so the
 * window changes no score.
 */
export function scorer(
  store: PriceStore,
  predictions: readonly Prediction[],
  verifiedAt: string,
  today: string,
  delisted: readonly string[],
  universeOf: (prediction: Prediction) => readonly string[],
): (prediction: Prediction) => Scored {
  const from = predictions.reduce((a, p) => (p.as_of < a ? p.as_of : a), today);
  const cache = new Map<string, { series: AdjustedSeries; index: Map<string, number> }>();
  const seriesOf = (symbol: string) => {
    let cached = cache.get(symbol);
    if (!cached) {
      const series = adjustBars(symbol, store.bars(symbol, { from, until: today }));
      cached = { series, index: new Map(series.dates.map((d, i) => [d, i])) };
      cache.set(symbol, cached);
    }
    return cached;
  };
  const moves = new Map<string, UniverseMove | null>();
  const moveOf = (prediction: Prediction) => {
    const symbols = universeOf(prediction);
    const key = `${prediction.as_of}|${prediction.horizon_days}|${symbols.join(',')}`;
    if (!moves.has(key)) {
      const members = symbols.filter((s) => store.symbolInfo(s)).map(seriesOf);
      moves.set(key, universeMove(members, prediction.as_of, prediction.horizon_days));
    }
    return moves.get(key) ?? null;
  };
  return (prediction) => {
    const { series, index } = seriesOf(prediction.symbol);
    const giveUp = {
      today,
      graceDays: UNRESOLVABLE_AFTER_DAYS,
      delisted: delisted.includes(prediction.symbol),
    };
    return scorePrediction(prediction, series, verifiedAt, giveUp, index, () => moveOf(prediction));
  };
}

/**
 * The universe a prediction's excess is measured against: its model
 * version's symbols (as in training), or, when that version is gone, the
 * symbols predicted for the same session.
 */
export function universes(
  ctx: Context,
  predictions: readonly Prediction[],
): (prediction: Prediction) => readonly string[] {
  const registry = Home.of(ctx).models;
  const bySession = new Map<string, string[]>();
  for (const p of predictions) {
    const key = `${p.model.name}/${p.model.version}|${p.as_of}`;
    bySession.set(key, [...(bySession.get(key) ?? []), p.symbol]);
  }
  const models = new Map<string, readonly string[] | null>();
  return (prediction) => {
    const model = `${prediction.model.name}/${prediction.model.version}`;
    if (!models.has(model)) {
      try {
        models.set(
          model,
          registry.get(prediction.model.name, prediction.model.version).manifest.symbols,
        );
      } catch {
        models.set(model, null);
      }
    }
    return (
      models.get(model) ?? [...new Set(bySession.get(`${model}|${prediction.as_of}`) ?? [])].sort()
    );
  };
}
