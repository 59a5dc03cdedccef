import path from 'node:path';
import { homePaths } from '../src/home.ts';
import { Ledger } from '../src/ledger/ledger.ts';
import {
  predictionSchema,
  verificationSchema,
  type Prediction,
  type Verification,
} from '../src/ledger/records.ts';
import { latestVerifications, uniquePredictions } from '../src/ledger/views.ts';
import { quarterOf } from '../src/evaluation/paired.ts';
import { mean } from '../src/evaluation/stats.ts';

/**
 * `node --import tsx scripts/interval-replay.ts BACKTEST_FOLDER` (a folder
 * `mlx backtest --compare` wrote, e.g. ~/mlx/backtests/2018-01-01_2020-12-31).
 *
 * The README's interval figures, reproduced:
 * 1. both arms' coverage as recorded: overall, over the 2020 crash window,
 *    by month and quarter, and the windows around it;
 * 2. other interval rules replayed on the static arm's ledger: the same
 *    predictions and outcomes, each rule choosing the width multipliers each
 *    prediction would have had, learning from outcomes when they were verified.
 * A replay leaves out what adapting the component weights changed in the
 * adaptive arm's forecasts, so it is near the real run, not equal to it (the
 * first line of part 2 replays today's rule).
 */

const TARGET = 0.8;
const TAIL = (1 - TARGET) / 2;
const WINDOW = { from: '2020-02-15', to: '2020-05-31' };
const Q4_2018 = { from: '2018-10-01', to: '2018-12-31' };
const BOUNDS = [Math.log(0.5), Math.log(3)] as const;

/** One verified prediction in log-return terms around its forecast. */
interface Row {
  id: string;
  asOf: string;
  target: string;
  created: string;
  verified: string;
  model: string;
  /** Log forecast, and the interval's sides relative to it (lower < 0 < upper). */
  mu: number;
  lower: number;
  upper: number;
  realised: number;
  /** The universe's size, and the outcome's weight in the product's rule: 1/h over it. */
  size: number;
  weight: number;
}

type Covered = { asOf: string; target: string; covered: boolean }[];

function readArm(dir: string): { rows: Row[]; covered: Covered } {
  const home = homePaths(dir);
  const predictions = new Map(
    uniquePredictions(new Ledger(home.predictionsDir, predictionSchema).read().entries).entries.map(
      (e) => [e.record.id, e.record as Prediction],
    ),
  );
  const verifications = latestVerifications(
    new Ledger(home.verificationsDir, verificationSchema).read().entries,
  );
  const rows: Row[] = [];
  const covered: Covered = [];
  for (const v of verifications.values() as Iterable<Verification>) {
    const p = predictions.get(v.prediction_id);
    if (!p || v.status !== 'verified' || v.actual_price === undefined) continue;
    const log = (price: number) => Math.log(price / p.current_price);
    const mu = log(p.predicted_price);
    const size = Math.max(1, v.universe_size ?? 1);
    rows.push({
      id: p.id,
      asOf: p.as_of,
      target: p.target_date,
      created: p.created_at,
      verified: v.verified_at,
      model: p.model.version,
      mu,
      lower: log(p.interval.low) - mu,
      upper: log(p.interval.high) - mu,
      realised: log(v.actual_price),
      size,
      weight: 1 / p.horizon_days / size,
    });
    covered.push({
      asOf: p.as_of,
      target: p.target_date,
      covered: p.interval.low <= v.actual_price && v.actual_price <= p.interval.high,
    });
  }
  return { rows, covered };
}

const share = (values: boolean[]) => values.filter(Boolean).length / values.length;
const clamp = (x: number) => Math.min(BOUNDS[1], Math.max(BOUNDS[0], x));

function coverage(covered: Covered, from: string, to: string, by: 'asOf' | 'target' = 'asOf') {
  return share(covered.filter((c) => c[by] >= from && c[by] <= to).map((c) => c.covered));
}

/** Mean |coverage − target| over the groups `key` makes (months, quarters). */
function meanMiss(covered: Covered, key: (day: string) => string): number {
  const groups = new Map<string, boolean[]>();
  for (const c of covered) groups.set(key(c.asOf), [...(groups.get(key(c.asOf)) ?? []), c.covered]);
  return mean([...groups.values()].map((g) => Math.abs(share(g) - TARGET)));
}
const month = (day: string) => day.slice(0, 7);

function summary(covered: Covered): string {
  return [
    `all ${share(covered.map((c) => c.covered)).toFixed(4)}`,
    `window ${coverage(covered, WINDOW.from, WINDOW.to).toFixed(4)}`,
    `Q4 2018 ${coverage(covered, Q4_2018.from, Q4_2018.to).toFixed(4)}`,
    `quarterly miss ${meanMiss(covered, quarterOf).toFixed(4)}`,
    `monthly miss ${meanMiss(covered, month).toFixed(4)}`,
  ].join('  ');
}

/**
 * An interval rule: the multipliers (lower, upper) a prediction gets when it is
 * made, and what the rule learns from its outcome when it is verified.
 */
interface Rule {
  widths(row: Row): [number, number];
  learn(row: Row, below: boolean, above: boolean, widths: [number, number]): void;
}

/** Replays a rule over predictions and verifications in time order (a verification first on ties). */
function replay(
  rows: readonly Row[],
  rule: Rule,
  verifiedAt: (row: Row) => string = (r) => r.verified,
): Covered {
  const events = [
    ...rows.map((row) => ({ at: row.created, made: true, row })),
    ...rows.map((row) => ({ at: verifiedAt(row), made: false, row })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : Number(a.made) - Number(b.made)));
  const issued = new Map<string, [number, number]>();
  const covered: Covered = [];
  for (const { made, row } of events) {
    if (made) {
      issued.set(row.id, rule.widths(row));
      continue;
    }
    const widths = issued.get(row.id) as [number, number];
    const below = row.realised < row.mu + widths[0] * row.lower;
    const above = row.realised > row.mu + widths[1] * row.upper;
    covered.push({ asOf: row.asOf, target: row.target, covered: !below && !above });
    rule.learn(row, below, above, widths);
  }
  return covered;
}

/**
 * Adaptive conformal inference on the log multipliers, as verify does (γ);
 * `oneMultiplier` moves both sides on any miss; `forget` pulls them back
 * toward 1; `freezeFrom` stops learning from outcomes verified from that day;
 * `perModel` keeps the state per model version; `resetOnRetrain` restarts it
 * when a new model version first predicts.
 */
function aci(
  gamma: number,
  options: {
    oneMultiplier?: boolean;
    forget?: number;
    freezeFrom?: string;
    perModel?: boolean;
    resetOnRetrain?: boolean;
  } = {},
): Rule {
  const state = new Map<string, [number, number]>();
  let current = '';
  const key = (row: Row) => (options.perModel ? row.model : '');
  return {
    widths(row) {
      if (options.resetOnRetrain && row.model !== current) {
        if (current) state.clear();
        current = row.model;
      }
      const [l, u] = state.get(key(row)) ?? [0, 0];
      return [Math.exp(l), Math.exp(u)];
    },
    learn(row, below, above) {
      if (options.freezeFrom && row.verified.slice(0, 10) >= options.freezeFrom) return;
      let [l, u] = state.get(key(row)) ?? [0, 0];
      const w = row.weight;
      if (options.oneMultiplier) {
        l = u = clamp(l + gamma * w * (Number(below || above) - 2 * TAIL));
      } else {
        l = clamp(l + gamma * w * (Number(below) - TAIL) - (options.forget ?? 0) * w * l);
        u = clamp(u + gamma * w * (Number(above) - TAIL) - (options.forget ?? 0) * w * u);
      }
      state.set(key(row), [l, u]);
    },
  };
}

/** Each side's multiplier: the 90% quantile of the last `outcomes` outcomes' needed multipliers. */
function rollingQuantile(outcomes: number): Rule {
  const needed: [number[], number[]] = [[], []];
  let cached: [number, number] | null = null;
  const q = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return Math.min(3, Math.max(0.5, sorted[Math.floor((1 - TAIL) * (sorted.length - 1))]));
  };
  return {
    widths() {
      if (needed[0].length < outcomes / 2) return [1, 1];
      cached ??= [q(needed[0]), q(needed[1])];
      return cached;
    },
    learn(row) {
      needed[0].push((row.realised - row.mu) / row.lower);
      needed[1].push((row.realised - row.mu) / row.upper);
      for (const side of needed) if (side.length > outcomes) side.shift();
      cached = null;
    },
  };
}

/**
 * AgACI (Zaffran et al. 2022): ACI experts at several rates, averaged per side
 * by exponential weights (rate η) on their pinball loss, scaled by the width.
 */
function agaci(eta: number, gammas = [0, 0.05, 0.1, 0.2, 0.3, 0.6, 1]): Rule {
  const logs = gammas.map(() => [0, 0]);
  const loss = gammas.map(() => [0, 0]);
  const issued = new Map<string, number[][]>();
  const pinball = (tau: number, u: number) => Math.max(tau * u, (tau - 1) * u);
  return {
    widths(row) {
      issued.set(
        row.id,
        logs.map((l) => l.map(Math.exp)),
      );
      const side = (s: number) => {
        const least = Math.min(...loss.map((l) => l[s]));
        const e = loss.map((l) => Math.exp(-eta * (l[s] - least)));
        const total = e.reduce((a, b) => a + b, 0);
        return e.reduce((sum, x, k) => sum + (x / total) * Math.exp(logs[k][s]), 0);
      };
      return [side(0), side(1)];
    },
    learn(row) {
      const experts = issued.get(row.id) as number[][];
      const width = row.upper - row.lower;
      experts.forEach(([el, eu], k) => {
        const low = row.mu + el * row.lower;
        const high = row.mu + eu * row.upper;
        loss[k][0] += row.weight * pinball(TAIL, (row.realised - low) / width);
        loss[k][1] += row.weight * pinball(1 - TAIL, (row.realised - high) / width);
        logs[k][0] = clamp(
          logs[k][0] + gammas[k] * row.weight * (Number(row.realised < low) - TAIL),
        );
        logs[k][1] = clamp(
          logs[k][1] + gammas[k] * row.weight * (Number(row.realised > high) - TAIL),
        );
      });
    },
  };
}

const folder = process.argv[2];
if (!folder) {
  console.error('usage: node --import tsx scripts/interval-replay.ts BACKTEST_FOLDER');
  process.exit(2);
}
const adaptive = readArm(path.join(folder, 'adaptive'));
const fixed = readArm(path.join(folder, 'static'));

console.log('1. coverage as recorded');
for (const [name, arm] of [
  ['adaptive', adaptive],
  ['static', fixed],
] as const) {
  const months = ['02', '03', '04', '05'].map((m) =>
    coverage(arm.covered, `2020-${m}-01`, `2020-${m}-31`).toFixed(2),
  );
  console.log(
    `  ${name.padEnd(8)} ${summary(arm.covered)}  Feb–May 2020 ${months.join(' / ')}`,
    ` 2020 Q1 / Q2 ${coverage(arm.covered, '2020-01-01', '2020-03-31').toFixed(3)} / ${coverage(arm.covered, '2020-04-01', '2020-06-30').toFixed(3)}`,
    ` window by target date ${coverage(arm.covered, WINDOW.from, WINDOW.to, 'target').toFixed(4)}`,
  );
}
let nearer = 0;
let windows = 0;
for (const from of ['2020-02-01', '2020-02-08', '2020-02-15', '2020-02-22', '2020-03-01'])
  for (const to of [
    '2020-05-15',
    '2020-05-22',
    '2020-05-31',
    '2020-06-07',
    '2020-06-15',
    '2020-06-30',
  ]) {
    windows++;
    const miss = (arm: { covered: Covered }) => Math.abs(coverage(arm.covered, from, to) - TARGET);
    if (miss(fixed) < miss(adaptive)) nearer++;
  }
console.log(
  `  windows with either end moved by up to two weeks: static nearer in ${nearer} of ${windows}`,
);

console.log("2. rules replayed on the static arm's ledger");
const rules: [string, () => Covered][] = [
  // γ 0 keeps every multiplier at 1: the replay must give back the static arm's coverage.
  ['static (γ 0)', () => replay(fixed.rows, aci(0))],
  ["today's rule: ACI γ 0.3, two sides", () => replay(fixed.rows, aci(0.3))],
  ...[0.05, 0.1, 0.2, 0.5, 1].flatMap((g): [string, () => Covered][] => [
    [`ACI γ ${g}, two sides`, () => replay(fixed.rows, aci(g))],
    [`ACI γ ${g}, one multiplier`, () => replay(fixed.rows, aci(g, { oneMultiplier: true }))],
  ]),
  [
    'ACI γ 0.3, frozen from 2020-02-15',
    () => replay(fixed.rows, aci(0.3, { freezeFrom: WINDOW.from })),
  ],
  ...[0.1, 0.3, 0.5, 1].map((g): [string, () => Covered] => [
    `ACI γ ${g}, verified daily`,
    () => replay(fixed.rows, aci(g), (r) => `${r.target}${r.created.slice(10)}`),
  ]),
  ...[0.3, 0.5, 1].flatMap((g) =>
    [0.02, 0.05, 0.1, 0.2].map((rho): [string, () => Covered] => [
      `ACI γ ${g}, forgetting ρ ${rho}`,
      () => replay(fixed.rows, aci(g, { forget: rho })),
    ]),
  ),
  ...[10, 20, 40, 80, 160, 250].map((sessions): [string, () => Covered] => [
    `rolling quantile, last ${sessions} sessions`,
    () => replay(fixed.rows, rollingQuantile(sessions * fixed.rows[0].size)),
  ]),
  ...[0.3, 0.5, 1].map((g): [string, () => Covered] => [
    `ACI γ ${g}, reset at each retrain`,
    () => replay(fixed.rows, aci(g, { resetOnRetrain: true })),
  ]),
  ...[0.2, 0.3, 0.5, 1].map((g): [string, () => Covered] => [
    `ACI γ ${g}, per model version`,
    () => replay(fixed.rows, aci(g, { perModel: true })),
  ]),
  ...[10, 30, 100].map((eta): [string, () => Covered] => [
    `AgACI η ${eta}`,
    () => replay(fixed.rows, agaci(eta)),
  ]),
];
for (const [name, run] of rules) console.log(`  ${name.padEnd(40)} ${summary(run())}`);
