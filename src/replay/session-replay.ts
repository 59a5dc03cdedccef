import { calendarFor, type TradingCalendar } from '../calendar/index.ts';
import type { Context } from '../context.ts';
import { NoBarsOnSessionError } from '../prediction/as-of.ts';
import { loadModel } from '../registry/loaded-model.ts';
import { loadPanel } from '../dataset/panel.ts';
import { resolveUniverse } from '../universe.ts';
import type { PredictReuse } from '../jobs/predict.ts';
import { Home } from '../home-files/home.ts';

export type { PredictReuse } from '../jobs/predict.ts';

/**
 * The live loop's two daily steps, as the replay calls them (the predict and
 * verify use cases; live-loop.ts holds the real loop's).
 */
export interface LoopSteps {
  /** Predict `session` at its close; how many predictions were appended. */
  predict(ctx: Context, session: string, reuse: PredictReuse, symbols?: string[]): Promise<number>;
  /** Verify what is due; how many predictions were verified. */
  verify(ctx: Context, adapt: boolean): Promise<number>;
}

/**
 * One session of the live loop, replayed: predict it at its close with data up
 * to it, then verify if it is a verify day — the clock pinned to that close.
 */
export async function replaySession(
  steps: LoopSteps,
  arms: readonly { ctx: Context; adapt: boolean }[],
  session: string,
  reuse: PredictReuse,
  verifyToday: boolean,
  symbols?: string[],
): Promise<{ predicted: number; verified: number }> {
  const close = calendarFor('US').sessionClose(session);
  let predicted = 0;
  let verified = 0;
  for (const arm of arms) {
    const atClose: Context = { ...arm.ctx, now: () => close };
    predicted += await steps.predict(atClose, session, reuse, symbols).catch((err: unknown) => {
      // A session past the end of the data (or one the market missed) has nothing to predict.
      if (!(err instanceof NoBarsOnSessionError)) throw err;
      atClose.log.warn(`${session}: nothing predicted: ${err.message}`);
      return 0;
    });
    if (verifyToday) verified += await steps.verify(atClose, arm.adapt);
  }
  return { predicted, verified };
}

/** The last session of a calendar week (verify runs at the weekend). */
export function weekEnds(calendar: TradingCalendar, session: string): boolean {
  const next = calendar.nextSession(session);
  const day = (d: string) => new Date(`${d}T12:00:00Z`).getUTCDay();
  return day(next) <= day(session) || Date.parse(next) - Date.parse(session) > 6 * 86_400_000;
}

/** Load the promoted model and the universe's feature panel up to `until`, for a replay. */
export async function replayPanel(
  ctx: Context,
  until: string,
  symbols?: string[],
): Promise<PredictReuse> {
  const model = await loadModel(Home.of(ctx).models, ctx.config.modelName, ctx.config.regime);
  try {
    const store = Home.of(ctx).readExistingStore();
    try {
      const manifest = model.version.manifest;
      const universe = resolveUniverse(ctx, store, {
        symbols,
        keepStored: (s) => manifest.symbols.includes(s),
      });
      return { model, panel: loadPanel(store, universe, until, ctx.config, manifest.symbols) };
    } finally {
      store.close();
    }
  } catch (err) {
    model.free();
    throw err;
  }
}
