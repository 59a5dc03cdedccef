import { FACTORS } from './factors.ts';
import { COMPONENTS } from './head.ts';
import type { WalkForwardResult } from './walk-forward.ts';

const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? 'n/a' : `${(v * 100).toFixed(1)}%`;
const num = (v: number | null | undefined, digits = 4) =>
  v === null || v === undefined ? 'n/a' : v.toFixed(digits);

/**
 * Plain statements of what the models know, on the same out-of-sample rows as
 * every baseline: ranking skill in Qlib's terms against the classic factors,
 * the ensemble against its best component, direction and Brier against the
 * training rows' base rate, and interval coverage. Written into metrics.json
 * and printed by train.
 */
export function metricsVerdicts(walk: WalkForwardResult): string[] {
  const m = walk.metrics;
  const verdicts: string[] = [];
  const factors = FACTORS.flatMap((name) => (m[name] ? [{ name, metrics: m[name] }] : []));
  const bestFactor = factors.reduce<{ name: string; ic: number } | null>((best, f) => {
    const ic = f.metrics.rank_ic.mean ?? -Infinity;
    return !best || ic > best.ic ? { name: f.name, ic } : best;
  }, null);
  for (const name of ['ensemble', ...COMPONENTS] as const) {
    const model = m[name];
    if (!model) continue;
    const ric = model.rank_ic;
    verdicts.push(
      `${name}: Rank IC ${num(ric.mean)} (Newey–West t ${num(ric.t_stat, 2)}, Rank ICIR ${num(ric.ir, 3)}, ${ric.days} days), ` +
        `IC ${num(model.ic.mean)} (ICIR ${num(model.ic.ir, 3)}) — ` +
        (ric.t_stat !== null && ric.t_stat > 2
          ? 'ranks stocks, significantly'
          : ric.mean !== null && ric.mean > 0
            ? 'positive but not significant (t ≤ 2)'
            : 'no ranking skill') +
        (bestFactor
          ? `; ${ric.mean !== null && ric.mean > bestFactor.ic ? 'beats' : 'does NOT beat'} the best factor (${bestFactor.name} ${num(bestFactor.ic)})`
          : ''),
    );
  }
  const ensemble = m.ensemble;
  if (!ensemble) return verdicts;
  const components = COMPONENTS.flatMap((name) =>
    m[name] ? [{ name, ic: m[name].rank_ic.mean ?? -Infinity }] : [],
  );
  const best = components.reduce<{ name: string; ic: number } | null>(
    (a, c) => (!a || c.ic > a.ic ? c : a),
    null,
  );
  if (best && ensemble.rank_ic.mean !== null) {
    verdicts.push(
      `ensemble Rank IC ${num(ensemble.rank_ic.mean)} vs best component (${best.name}) ${num(best.ic)} — ` +
        (ensemble.rank_ic.mean >= best.ic - 0.003 ? 'no worse' : 'WORSE than its best component'),
    );
  }
  const up = m.always_up;
  if (up) {
    verdicts.push(
      `ensemble direction ${pct(ensemble.directional_accuracy)} vs always-up ${pct(up.directional_accuracy)} — ` +
        ((ensemble.directional_accuracy ?? 0) > (up.directional_accuracy ?? 0)
          ? 'beats it'
          : 'does NOT beat it'),
    );
    if (ensemble.brier !== null && up.brier !== null) {
      verdicts.push(
        `ensemble Brier ${num(ensemble.brier)} vs the training rows' up-rate ${num(up.brier)} — ` +
          (ensemble.brier < up.brier ? 'better calibrated' : 'NOT better than the base rate'),
      );
    }
  }
  const zero = m.zero_change;
  if (zero && ensemble.mae !== null && zero.mae !== null) {
    verdicts.push(
      `ensemble MAE ${num(ensemble.mae, 5)} vs zero-change ${num(zero.mae, 5)} — ${ensemble.mae < zero.mae ? 'beats it' : 'does NOT beat it'}`,
    );
  }
  if (ensemble.interval_coverage !== null) {
    const folds = walk.folds.map((f) => f.coverage).filter((c): c is number => c !== null);
    verdicts.push(
      `80% interval covers ${pct(ensemble.interval_coverage)} of test rows` +
        (folds.length ? ` (folds ${pct(Math.min(...folds))}–${pct(Math.max(...folds))})` : ''),
    );
  }
  return verdicts;
}

/** The champion as decidePromotion sees it: its version id and its walk-forward figures. */
export interface Champion {
  version: string;
  /** Its metrics.json (null when it has none). */
  metrics: {
    walk_forward: Partial<
      Record<string, { rank_ic?: { mean: number | null }; brier?: number | null }>
    >;
    folds: readonly { test: { from: string; to: string } }[];
  } | null;
}

/**
 * `auto`: promote when the new walk-forward ensemble is no worse than the
 * champion's on Rank IC and Brier (small tolerances for noise).
 */
export function decidePromotion(
  mode: 'auto' | 'always' | 'never',
  walk: WalkForwardResult,
  champion: Champion | null,
): { promote: boolean; reason: string } {
  if (mode === 'always') return { promote: true, reason: '--promote always' };
  if (mode === 'never') return { promote: false, reason: '--promote never' };
  if (!champion) return { promote: true, reason: 'no current version to compare with' };
  const old = champion.metrics?.walk_forward.ensemble;
  const ensemble = walk.metrics.ensemble;
  if (!champion.metrics || !old?.rank_ic || old.brier === undefined || !ensemble) {
    return {
      promote: true,
      reason: `champion ${champion.version} has no comparable walk-forward metrics`,
    };
  }
  const oldFolds = champion.metrics.folds;
  const sameFolds =
    oldFolds.length === walk.folds.length &&
    oldFolds.every(
      (f, i) => f.test.from === walk.folds[i].test.from && f.test.to === walk.folds[i].test.to,
    );
  const folds = sameFolds ? 'on the same folds' : 'on its own folds (the test periods differ)';
  const newIc = ensemble.rank_ic.mean ?? -Infinity;
  const oldIc = old.rank_ic.mean ?? -Infinity;
  const newBrier = ensemble.brier ?? Infinity;
  const oldBrier = old.brier ?? Infinity;
  const noWorse = newIc >= oldIc - 0.002 && newBrier <= oldBrier + 0.001;
  const comparison = `Rank IC ${num(newIc)} vs ${num(oldIc)}, Brier ${num(newBrier)} vs ${num(oldBrier)} (champion ${champion.version} ${folds})`;
  return noWorse
    ? { promote: true, reason: `no worse than the champion: ${comparison}` }
    : { promote: false, reason: `worse than the champion, which stays: ${comparison}` };
}
