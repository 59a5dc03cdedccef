import type { Context } from '../context.ts';
import { BASELINE_METRICS, BASELINES, baselineForecasts } from '../evaluation/baselines.ts';
import { computeMetrics, type Metrics } from '../evaluation/metrics.ts';
import { compareArms, type PairedOutcome } from '../evaluation/paired.ts';
import type { HomePaths } from '../home.ts';
import { verify } from '../jobs/verify.ts';
import { rankingScore, type Outcome } from '../report/accuracy.ts';
import { lastReturnsFor, loadOutcomes } from '../report/build.ts';
import { Home } from '../home-files/home.ts';
import { INTERVAL_LEVEL } from '../training/head.ts';
import type { ArmName, BacktestResult } from './backtest-types.ts';

/**
 * Each arm verified at the last session's close and scored: its ensemble and
 * the baselines on its verified predictions, and with both arms the paired
 * comparison of adaptive against static weights.
 */
export async function scoreArms(
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
    const store = Home.of(armCtx).readExistingStore();
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
