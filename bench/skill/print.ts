import type { BenchReporter } from '../report.ts';
import { pairedDifference, SCORED_COLUMNS, seedMean, summary, type DailySeries } from './series.ts';

export interface SkillRun {
  variant: string;
  seed: number;
  series: DailySeries;
}

type Dated = { dates: readonly string[]; values: readonly number[] };

const f4 = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : 'n/a');
const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');

/**
 * The skill bench's figures: each variant's components and ensemble over seeds
 * (mean, each seed's Rank IC and t, spread), the ensemble against its best
 * component, each variant against the first, and the first against the peer,
 * each as a paired daily difference with its Newey–West t.
 */
export function printSkill(
  report: BenchReporter,
  input: {
    runs: readonly SkillRun[];
    variants: readonly string[];
    seeds: readonly number[];
    horizonDays: number;
    peer: Dated | string;
  },
): void {
  const { runs, horizonDays } = input;
  const column = (variant: string, name: string): Dated[] =>
    runs
      .filter((r) => r.variant === variant)
      .map((r) => ({ dates: r.series.dates, values: r.series.rankIc[name] }));
  const paired = (label: string, a: Dated, b: Dated, goal?: string) => {
    const difference = pairedDifference(a, b);
    if (difference.every((d) => d === 0)) return report.note(`${label}: identical (shared fits)`);
    const s = summary(difference, horizonDays);
    report.figure(
      `${label}: paired daily difference`,
      s.mean,
      `Rank IC, t ${f2(s.t)} over ${s.days} days`,
      goal,
    );
  };
  // Two seeds of one configuration differ by the draw alone (for XGBoost on every row and
  // column, where its bins are placed): the widest such pair is the yardstick a difference
  // between configurations has to clear.
  const printDraw = (variant: string) => {
    const seeded = runs.filter((r) => r.variant === variant);
    const pairs = seeded.flatMap((a, i) => seeded.slice(i + 1).map((b) => [a, b] as const));
    if (pairs.length === 0) return;
    const ensembleOf = (r: SkillRun): Dated => ({
      dates: r.series.dates,
      values: r.series.rankIc.ensemble,
    });
    const widest = pairs
      .map(([a, b]) => ({
        a,
        b,
        s: summary(pairedDifference(ensembleOf(a), ensembleOf(b)), horizonDays),
      }))
      .reduce((x, y) => (Math.abs(y.s.t) > Math.abs(x.s.t) ? y : x));
    paired(
      `  the draw alone: ensemble, seed ${widest.a.seed} − seed ${widest.b.seed}`,
      ensembleOf(widest.a),
      ensembleOf(widest.b),
    );
  };
  for (const variant of input.variants) {
    report.note(`variant ${variant}:`);
    for (const name of [...SCORED_COLUMNS]) {
      const perSeed = column(variant, name).map((run) => summary(run.values, horizonDays));
      const means = perSeed.map((s) => s.mean);
      const spread = Math.max(...means) - Math.min(...means);
      const pooled = summary(seedMean(column(variant, name)).values, horizonDays);
      report.figure(
        `  ${name} Rank IC, mean of ${means.length} seed(s)`,
        pooled.mean,
        `(t ${f2(pooled.t)}; seeds ${perSeed.map((s) => `${f4(s.mean)} t ${f2(s.t)}`).join(' | ')}; spread ${f4(spread)}; ${pooled.days} days)`,
        name === 'ensemble' ? 'goal spread ≤ 0.002' : undefined,
      );
    }
    const coverage = runs.filter((r) => r.variant === variant).map((r) => r.series.coverage);
    report.note(
      `  80% interval coverage ${coverage.map((c) => f2(c.all)).join(' | ')}; worst fold ${coverage.map((c) => `${f2(c.worstFold)} (${c.worstFoldFrom})`).join(' | ')}`,
    );
    printDraw(variant);
    const ensemble = seedMean(column(variant, 'ensemble'));
    const best = ['xgb', 'lstm', 'rules']
      .map((name) => ({ name, series: seedMean(column(variant, name)) }))
      .reduce((a, b) =>
        summary(b.series.values, horizonDays).mean > summary(a.series.values, horizonDays).mean
          ? b
          : a,
      );
    paired(
      `  ensemble − best component (${best.name}), seed means`,
      ensemble,
      best.series,
      'goal ≥ +0.003',
    );
  }
  const reference = input.variants[0];
  for (const variant of input.variants.slice(1)) {
    for (const name of ['ensemble', 'xgb', 'lstm']) {
      const a = seedMean(column(variant, name));
      const b = seedMean(column(reference, name));
      if (!a.values.some(Number.isFinite) || !b.values.some(Number.isFinite)) continue;
      paired(`${variant} − ${reference}, ${name}, seed means`, a, b);
    }
  }
  if (typeof input.peer === 'string') {
    report.note(`lab peer skipped: ${input.peer}`);
    return;
  }
  const peer = summary(input.peer.values, horizonDays);
  report.figure(
    'lab peer (pandas + XGBoost) Rank IC, same test blocks',
    peer.mean,
    `(t ${f2(peer.t)}, ${peer.days} days)`,
  );
  for (const variant of input.variants)
    paired(
      `${variant} ensemble − lab peer, seed means`,
      seedMean(column(variant, 'ensemble')),
      input.peer,
      'goal t ≥ 2',
    );
}
