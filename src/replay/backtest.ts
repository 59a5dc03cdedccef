import fs from 'node:fs';
import { assertRange } from '../calendar/since.ts';
import path from 'node:path';
import { calendarFor } from '../calendar/index.ts';
import type { Context } from '../context.ts';
import { UsageError } from '../errors.ts';
import { homePaths, type HomePaths } from '../home.ts';
import { unknownSymbolError } from '../store/price-store.ts';
import { replaySession, weekEnds } from './session-replay.ts';
import { clearReplayFolder } from './folder.ts';
import { LIVE_LOOP } from './live-loop.ts';
import { RetrainPipeline } from './retrains.ts';
import { scoreArms } from './score-arms.ts';
import type { ArmName, BacktestOptions, BacktestResult } from './backtest-types.ts';
import { loadModel, type LoadedModel } from '../registry/loaded-model.ts';
import { loadPanel, type Panel } from '../dataset/panel.ts';
import { noSymbolsError, resolveUniverse } from '../universe.ts';
import { Home } from '../home-files/home.ts';

export type { ArmName, BacktestOptions, BacktestResult } from './backtest-types.ts';

/**
 * `mlx backtest`: the real loop replayed over history with the same code
 * paths — train on bars before each retrain date, predict every session with
 * data up to it, verify on schedule with the clock pinned to that session's
 * close, adapt weights (or not) — into its own folder, then scored.
 */
export async function backtest(ctx: Context, options: BacktestOptions): Promise<BacktestResult> {
  assertRange({ flag: '--from', date: options.from }, { flag: '--to', date: options.to });
  const started = Date.now();
  const out = path.resolve(options.out ?? Home.of(ctx).backtestFolder(options.from, options.to));
  clearReplayFolder(out, options.force === true);
  const calendar = calendarFor('US');
  const sessions = calendar.sessionsBetween(options.from, options.to);
  if (sessions.length === 0)
    throw new UsageError(`no trading sessions between ${options.from} and ${options.to}`);
  const universe = options.symbols?.length ? options.symbols : undefined;
  const arms: ArmName[] = options.compare
    ? ['adaptive', 'static']
    : [options.adapt ? 'adaptive' : 'static'];

  // Each arm starts as a new home would (the home's bars, default weights, no ledger index)
  // and shares the models.
  const modelsDir = path.join(out, 'models');
  const armHomes = new Map<ArmName, HomePaths>();
  await Home.of(ctx).withWriteLock(ctx, 'backtest', (access) => {
    // Opened for writing (under the lock) so an older store is migrated before it is copied.
    const store = access.openExistingStore();
    try {
      // Refuse before making the replay's folder: a failed start leaves nothing behind.
      if (store.symbolNames().length === 0) throw noSymbolsError(ctx);
      const stored = new Set(store.symbolNames());
      for (const symbol of universe ? resolveUniverse(ctx, store, { symbols: universe }) : [])
        if (!stored.has(symbol)) throw unknownSymbolError(symbol);
      for (const arm of arms) {
        const home = { ...homePaths(path.join(out, arm)), modelsDir };
        fs.mkdirSync(home.dataDir, { recursive: true });
        store.copyMarketTo(home.db);
        armHomes.set(arm, home);
      }
    } finally {
      store.close();
    }
  });
  // Retrains read the first arm's store and write the shared models, under a lock of their own.
  const trainingHome: HomePaths = {
    ...(armHomes.get(arms[0]) as HomePaths),
    lock: path.join(out, '.retrain.lock'),
  };
  const retrainUntils = sessions.flatMap((session, i) =>
    i === 0 || retrainDue(sessions[i - 1], session, options.retrain)
      ? [calendar.addSessions(session, -1)]
      : [],
  );
  // Each retrain uses bars up to its date only, so all of them can train ahead of the replay,
  // one after another on their own thread, while this one replays with the model before.
  const pipeline = new RetrainPipeline(
    {
      home: trainingHome,
      config: ctx.config,
      untils: retrainUntils,
      ...(universe ? { symbols: universe } : {}),
      to: options.to,
    },
    (message) => ctx.log.warn(message),
  );
  const retrains: string[] = [];
  let model: LoadedModel | null = null;
  try {
    // Features once, up to the last session: row t uses bars up to t only (the look-ahead
    // test), and each session is predicted from the rows up to it.
    const panel = replayUniverse({ ...ctx, home: trainingHome }, options.to, universe);
    const registry = Home.of({ home: trainingHome }).models;
    for (const [i, session] of sessions.entries()) {
      if (i === 0 || retrainDue(sessions[i - 1], session, options.retrain)) {
        const until = calendar.addSessions(session, -1);
        ctx.log.info(`backtest: training on bars up to ${until}`);
        const version = await pipeline.version(until);
        const next = await loadModel(registry, ctx.config.modelName, ctx.config.regime, version);
        model?.free();
        model = next;
        retrains.push(until);
      }
      const verifyToday = options.verifyEvery === 'daily' || weekEnds(calendar, session);
      const armContexts = arms.map((arm) => ({
        ctx: { ...ctx, log: quiet(ctx), home: armHomes.get(arm) as HomePaths },
        adapt: arm === 'adaptive',
      }));
      await replaySession(
        LIVE_LOOP,
        armContexts,
        session,
        { model: model as LoadedModel, panel },
        verifyToday,
        universe,
      );
      options.onProgress?.(i + 1, sessions.length, session);
    }
  } finally {
    model?.free();
    await pipeline.stop();
  }

  const result: BacktestResult = {
    schema: 'mlx.backtest/1',
    out,
    from: options.from,
    to: options.to,
    sessions: sessions.length,
    retrains,
    arms: {},
    seconds: 0,
  };
  await scoreArms(ctx, result, armHomes, calendar.sessionClose(sessions.at(-1) as string));
  result.seconds = Math.round((Date.now() - started) / 100) / 10;
  Home.of(ctx).writeBacktestResult(out, result);
  return result;
}

function retrainDue(previous: string, session: string, every: 'monthly' | 'quarterly'): boolean {
  const month = (d: string) => Number(d.slice(5, 7));
  if (previous.slice(0, 7) === session.slice(0, 7)) return false;
  return every === 'monthly' || (month(session) - 1) % 3 === 0;
}

/** The replay's universe (as train resolves it) with its features up to `until`. */
function replayUniverse(ctx: Context, until: string, symbols?: string[]): Panel {
  const store = Home.of(ctx).readExistingStore();
  try {
    return loadPanel(store, resolveUniverse(ctx, store, { symbols }), until, ctx.config);
  } finally {
    store.close();
  }
}

/** Inner commands of a replay log only warnings: the backtest reports progress itself. */
function quiet(ctx: Context): Context['log'] {
  return { ...ctx.log, info: () => {} };
}
