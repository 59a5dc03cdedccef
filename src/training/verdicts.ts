import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Metrics } from '../evaluation/metrics.ts';
import type { ModelVersion } from '../registry/registry.ts';
import type { WalkForwardResult } from './walk-forward.ts';

const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? 'n/a' : `${(v * 100).toFixed(1)}%`;
const num = (v: number | null | undefined, digits = 4) =>
  v === null || v === undefined ? 'n/a' : v.toFixed(digits);

/**
 * Plain statements of whether the models beat the naive baselines on the
 * same out-of-sample rows. Written into metrics.json and printed by train.
 */
export function metricsVerdicts(walk: WalkForwardResult): string[] {
  const m = walk.metrics;
  const verdicts: string[] = [];
  const baselines = (['always_up', 'momentum', 'rules'] as const)
    .map((name) => ({ name, metrics: m[name] }))
    .filter(
      (b): b is { name: 'always_up' | 'momentum' | 'rules'; metrics: Metrics } =>
        b.metrics !== undefined,
    );
  const bestDirection = baselines.reduce<{ name: string; accuracy: number } | null>((best, b) => {
    const accuracy = b.metrics.directional_accuracy ?? -1;
    return !best || accuracy > best.accuracy ? { name: b.name, accuracy } : best;
  }, null);
  for (const name of ['ensemble', 'xgb', 'lstm'] as const) {
    const model = m[name];
    if (!model) continue;
    const accuracy = model.directional_accuracy ?? 0;
    if (bestDirection) {
      verdicts.push(
        `${name}: directional accuracy ${pct(accuracy)} vs best naive baseline (${bestDirection.name}) ${pct(bestDirection.accuracy)} — ` +
          (accuracy > bestDirection.accuracy ? 'beats it' : 'does NOT beat it'),
      );
    }
    const ric = model.rank_ic;
    verdicts.push(
      `${name}: mean daily Rank IC ${num(ric.mean)} (Newey–West t ${num(ric.t_stat, 2)}, ${ric.days} days) — ` +
        (ric.t_stat !== null && ric.t_stat > 2
          ? 'positive and significant'
          : ric.mean !== null && ric.mean > 0
            ? 'positive but not significant (|t| ≤ 2)'
            : 'no positive ranking skill'),
    );
  }
  const zero = m.zero_change;
  const ensemble = m.ensemble;
  if (zero && ensemble) {
    verdicts.push(
      `ensemble MAE ${num(ensemble.mae, 5)} vs zero-change ${num(zero.mae, 5)} — ${ensemble.mae < zero.mae ? 'beats it' : 'does NOT beat it'}`,
    );
  }
  if (m.always_up && ensemble && ensemble.brier !== null && m.always_up.brier !== null) {
    verdicts.push(
      `ensemble Brier ${num(ensemble.brier)} vs always-up base rate ${num(m.always_up.brier)} — ${ensemble.brier < m.always_up.brier ? 'better calibrated' : 'NOT better than the base rate'}`,
    );
  }
  return verdicts;
}

const championMetricsSchema = z
  .object({
    walk_forward: z
      .object({
        ensemble: z
          .object({
            rank_ic: z.object({ mean: z.number().nullable() }),
            brier: z.number().nullable(),
          })
          .passthrough(),
      })
      .passthrough(),
    folds: z.array(
      z.object({ test: z.object({ from: z.string(), to: z.string() }) }).passthrough(),
    ),
  })
  .passthrough();

/**
 * `auto`: promote when the new walk-forward ensemble is no worse than the
 * champion's on Rank IC and Brier (small tolerances for noise).
 */
export function decidePromotion(
  mode: 'auto' | 'always' | 'never',
  walk: WalkForwardResult,
  champion: ModelVersion | null,
): { promote: boolean; reason: string } {
  if (mode === 'always') return { promote: true, reason: '--promote always' };
  if (mode === 'never') return { promote: false, reason: '--promote never' };
  if (!champion) return { promote: true, reason: 'no current version to compare with' };
  const file = path.join(champion.dir, 'metrics.json');
  const parsed = championMetricsSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  const ensemble = walk.metrics.ensemble;
  if (!parsed.success || !ensemble) {
    return {
      promote: true,
      reason: `champion ${champion.version} has no comparable walk-forward metrics`,
    };
  }
  const old = parsed.data.walk_forward.ensemble;
  const sameFolds =
    parsed.data.folds.length === walk.folds.length &&
    parsed.data.folds.every(
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
