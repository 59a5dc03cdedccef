import fs from 'node:fs';
import { assertRange } from '../calendar/since.ts';
import { clearReplayFolder } from './backtest-folder.ts';
import path from 'node:path';
import { calendarFor } from '../calendar/index.ts';
import type { Context } from '../context.ts';
import { UsageError } from '../errors.ts';
import { BASELINE_METRICS, BASELINES, baselineForecasts } from '../evaluation/baselines.ts';
import { computeMetrics, type Metrics } from '../evaluation/metrics.ts';
import { compareArms, type ArmComparison, type PairedOutcome } from '../evaluation/paired.ts';
import { INTERVAL_LEVEL } from '../training/head.ts';
import { homePaths, type HomePaths } from '../home.ts';
import { PriceStore, unknownSymbolError } from '../store/price-store.ts';
import { replaySession, weekEnds, type LoopSteps } from '../replay/session-replay.ts';
import { predict } from './predict.ts';
import { loadModel, type LoadedModel } from '../registry/loaded-model.ts';
import { ModelRegistry } from '../registry/registry.ts';
import { loadPanel, type Panel } from '../training/panel.ts';
import { lastReturnsFor, loadOutcomes } from './report.ts';
import { openExistingStore, withWriteLock } from '../session.ts';
import { noSymbolsError, resolveUniverse } from '../universe.ts';
import { RetrainPipeline } from './backtest-retrains.ts';
import { verify } from './verify.ts';
import { rankingScore, type Outcome } from '../report/accuracy.ts';

export interface BacktestOptions {
  from: string;
  to: string;
  retrain: 'monthly' | 'quarterly';
  verifyEvery: 'weekly' | 'daily';
  adapt: boolean;
  compare: boolean;
  symbols?: string[];
  /** Where the replay writes (its own models and ledgers); default <home>/backtests/<from>_<to>. */
  out?: string;
  /** Replace a replay folder already there (a killed backtest's, or an old result). */
  force?: boolean;
  onProgress?: (done: number, total: number, session: string) => void;
}

export type ArmName = 'adaptive' | 'static';

export interface BacktestResult {
  schema: 'mlx.backtest/1';
  out: string;
  from: string;
  to: string;
  sessions: number;
  retrains: string[];
  /** Every arm's ensemble and every baseline, scored on the same verified predictions. */
  arms: Partial<
    Record<ArmName, { predictions: number; verified: number; metrics: Record<string, Metrics> }>
  >;
  /** With --compare: adaptive against static on the same predictions, with paired tests. */
  comparison?: ArmComparison;
  verdict?: string[];
  seconds: number;
}

/**
 * `mlx backtest`: the real loop replayed over history with the same code
 * paths — train on bars before each retrain date, predict every session with
 * data up to it, verify on schedule with the clock pinned to that session's
 * close, adapt weights (or not) — into its own folder, then scored.
 */
export async function backtest(ctx: Context, options: BacktestOptions): Promise<BacktestResult> {
  assertRange({ flag: '--from', date: options.from }, { flag: '--to', date: options.to });
  const started = Date.now();
  const out = path.resolve(
    options.out ?? path.join(ctx.home.root, 'backtests', `${options.from}_${options.to}`),
  );
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
  await withWriteLock(ctx, 'backtest', () => {
    // Opened for writing (under the lock) so an older store is migrated before it is copied.
    const store = openExistingStore(ctx);
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
    const registry = new ModelRegistry(trainingHome.modelsDir);
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
  fs.writeFileSync(path.join(out, 'backtest.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/**
 * Each arm verified at the last session's close and scored: its ensemble and
 * the baselines on its verified predictions, and with both arms the paired
 * comparison of adaptive against static weights.
 */
async function scoreArms(
  ctx: Context,
  result: BacktestResult,
  armHomes: ReadonlyMap<ArmName, HomePaths>,
  lastClose: Date,
): Promise<void> {
  const paired = new Map<ArmName, Map<string, PairedOutcome>>();
  for (const [arm, home] of armHomes) {
    const armCtx: Context = { ...ctx, home, now: () => lastClose };
    await verify(armCtx, { dryRun: false, fetch: false, adapt: arm === 'adaptive' });
    const { predictions, outcomes } = loadOutcomes(armCtx, {});
    paired.set(arm, new Map(outcomes.map((o) => [o.prediction.id, pairedOutcome(o)])));
    const store = PriceStore.open(armCtx.home.db);
    const lastReturns = lastReturnsFor(store, outcomes);
    store.close();
    result.arms[arm] = {
      predictions: predictions.length,
      verified: outcomes.length,
      metrics: scoreOutcomes(outcomes, lastReturns),
    };
  }
  const adaptive = paired.get('adaptive');
  const fixed = paired.get('static');
  if (adaptive && fixed) {
    result.comparison = compareArms(adaptive, fixed, {
      horizonDays: ctx.config.horizonDays,
      coverageTarget: INTERVAL_LEVEL,
    });
    result.verdict = result.comparison.verdict;
  }
}

/** What the paired comparison needs of one verified prediction. */
function pairedOutcome(o: Outcome): PairedOutcome {
  const v = o.verification;
  return {
    session: o.prediction.as_of,
    score: rankingScore(o.prediction),
    realised: Math.log1p(v.actual_change_pct / 100),
    directionHit: v.direction_hit,
    ...(v.schema === 'mlx.verification/2' && v.excess_hit !== undefined
      ? { excessHit: v.excess_hit }
      : {}),
    probabilityUp: o.prediction.probability_up,
    ...(v.within_interval !== undefined ? { withinInterval: v.within_interval } : {}),
  };
}

/** The ensemble, its components and the naive baselines, on the same verified predictions. */
export function scoreOutcomes(
  outcomes: readonly Outcome[],
  lastReturns: ReadonlyMap<string, number>,
): Record<string, Metrics> {
  if (outcomes.length === 0) return {};
  const dates = [...new Set(outcomes.map((o) => o.prediction.as_of))].sort();
  const dateIndex = new Map(dates.map((d, i) => [d, i]));
  const horizonDays = outcomes[0].prediction.horizon_days;
  const actual = Float64Array.from(outcomes, (o) =>
    Math.log1p(o.verification.actual_change_pct / 100),
  );
  const sessions = Int32Array.from(outcomes, (o) => dateIndex.get(o.prediction.as_of) as number);
  const rows = (
    predicted: (o: Outcome) => number,
    probability: (o: Outcome) => number,
    score?: (o: Outcome) => number,
  ) => ({
    dateIndex: sessions,
    predicted: Float64Array.from(outcomes, predicted),
    ...(score ? { score: Float64Array.from(outcomes, score) } : {}),
    probabilityUp: Float64Array.from(outcomes, probability),
    actual,
  });
  const upRate =
    outcomes.filter((o) => o.verification.actual_change_pct > 0).length / outcomes.length;
  const metrics: Record<string, Metrics> = {
    ensemble: computeMetrics(
      rows(
        (o) => Math.log1p(o.prediction.predicted_change_pct / 100),
        (o) => o.prediction.probability_up,
        (o) => rankingScore(o.prediction),
      ),
      { horizonDays, directionFrom: 'probability' },
    ),
  };
  for (const component of ['xgb', 'lstm'] as const) {
    if (outcomes.every((o) => o.prediction.components[component] !== undefined)) {
      metrics[component] = computeMetrics(
        rows(
          (o) => o.prediction.components[component] as number,
          () => NaN,
        ),
        { horizonDays },
      );
    }
  }
  metrics.rules = computeMetrics(
    rows(
      (o) => o.prediction.components.rules,
      () => NaN,
    ),
    { horizonDays },
  );
  // Scored like walk-forward's; the up-rate here is realised (hindsight): the best any
  // constant probability could have done.
  const baselines = baselineForecasts({
    drift: 0,
    upRate,
    yesterday: Float64Array.from(outcomes, (o) => lastReturns.get(o.prediction.id) ?? 0),
  });
  for (const name of BASELINES) {
    const { predicted, score, probabilityUp } = baselines[name];
    metrics[name] = computeMetrics(
      {
        dateIndex: sessions,
        predicted,
        ...(score ? { score } : {}),
        probabilityUp,
        actual,
      },
      { horizonDays, ...BASELINE_METRICS[name] },
    );
  }
  return metrics;
}

/** The live loop's steps for a replay: predict with data up to the session, verify what is due. */
export const LIVE_LOOP: LoopSteps = {
  predict: async (ctx, session, reuse, symbols) =>
    (await predict(ctx, { asOf: session, fetch: false, allowStale: false, symbols }, reuse))
      .appended.length,
  verify: async (ctx, adapt) =>
    (await verify(ctx, { dryRun: false, fetch: false, adapt })).verified.length,
};

function retrainDue(previous: string, session: string, every: 'monthly' | 'quarterly'): boolean {
  const month = (d: string) => Number(d.slice(5, 7));
  if (previous.slice(0, 7) === session.slice(0, 7)) return false;
  return every === 'monthly' || (month(session) - 1) % 3 === 0;
}

/** The replay's universe (as train resolves it) with its features up to `until`. */
function replayUniverse(ctx: Context, until: string, symbols?: string[]): Panel {
  const store = openExistingStore(ctx);
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
