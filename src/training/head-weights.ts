import { mean, neweyWestT } from '../evaluation/stats.ts';
import { blendIsBetter, meanOfFinite } from './daily-rank-ic.ts';

/**
 * How the head weighs its components, from their daily Rank IC series (pure).
 * Component names are plain strings here: the head (head.ts) owns the list.
 */

/** How the head weighs its components (config train.head; README, "How a prediction is made"). */
export type HeadWeighting = 'select' | 'blend';

/**
 * Each component's daily Rank IC on rows scored out of sample before this fit's
 * validation slice ends (earlier walk-forward folds), the blend's evidence.
 */
export type BlendEvidence = Readonly<Record<string, readonly number[]>>;

/** Out-of-sample days the blend needs before it trusts them over the validation slice. */
export const MIN_EVIDENCE_DAYS = 126;

/** Share of the blend's weight spread equally over the components with skill (train.blendShrink). */
export const SHRINK_TO_EQUAL = 0.5;

/** The shrunk Rank IC of a daily series: IC · (1 − 1/t²) when t > 1, else 0. */
function shrunkIc(daily: readonly number[], horizonDays: number): number {
  if (daily.length === 0) return 0;
  const m = mean(daily);
  const t = neweyWestT(daily, horizonDays - 1);
  // A Rank IC is an estimate: shrink it by its own noise (James–Stein style, by
  // 1 − 1/t²), so a component with a lucky but insignificant mean weighs little.
  return m > 0 && t > 1 ? m * (1 - 1 / t ** 2) : 0;
}

type Weights = { weights: Record<string, number>; how: string };

const alone = (names: readonly string[], one: string) =>
  Object.fromEntries(names.map((m) => [m, m === one ? 1 : 0]));

/**
 * 'select': the component that ranks the validation rows best, alone; a blend
 * (weights by shrunk validation Rank IC) replaces it only when it ranks them
 * better by more than one standard error of the paired daily difference.
 */
export function selectWeights(
  names: readonly string[],
  validationDaily: Readonly<Record<string, number[]>>,
  dailyOf: (weights: Record<string, number>) => number[],
  horizonDays: number,
): Weights {
  let best: Weights & { daily: number[] } = {
    weights: alone(names, names[0]),
    how: `${names[0]} alone (best on validation)`,
    daily: dailyOf(alone(names, names[0])),
  };
  for (const n of names.slice(1)) {
    const daily = dailyOf(alone(names, n));
    if (meanOfFinite(daily) > meanOfFinite(best.daily) + 1e-12)
      best = { weights: alone(names, n), how: `${n} alone (best on validation)`, daily };
  }
  const shrunk = Object.fromEntries(
    names.map((n) => [n, shrunkIc(validationDaily[n] ?? [], horizonDays)]),
  );
  const total = names.reduce((sum, n) => sum + shrunk[n], 0);
  if (names.filter((n) => shrunk[n] > 0).length > 1) {
    const weights = Object.fromEntries(names.map((n) => [n, shrunk[n] / total]));
    if (blendIsBetter(dailyOf(weights), best.daily, horizonDays))
      return { weights, how: 'validation Rank IC, shrunk by its t' };
  }
  return best;
}

/**
 * 'blend': no winner is picked. Each component's weight is its shrunk Rank IC
 * on out-of-sample evidence (earlier folds' test rows, when there are at least
 * MIN_EVIDENCE_DAYS of them; else the validation slice, where early stopping
 * flatters the models), half of it then spread equally over the components
 * with skill. A component without significant skill (t ≤ 1) gets 0; one with
 * skill never does. With none, the best one on that evidence is used alone.
 */
export function blendWeights(
  names: readonly string[],
  validationDaily: Readonly<Record<string, number[]>>,
  evidence: BlendEvidence,
  horizonDays: number,
  shrinkToEqual = SHRINK_TO_EQUAL,
): Weights {
  const days = Math.min(...names.map((n) => evidence[n]?.length ?? 0));
  const outOfSample = days >= MIN_EVIDENCE_DAYS;
  const seriesOf = (n: string) => (outOfSample ? evidence[n] : validationDaily[n]) ?? [];
  const source = outOfSample ? `${days} out-of-sample days of earlier folds` : 'validation rows';
  const shrunk = Object.fromEntries(names.map((n) => [n, shrunkIc(seriesOf(n), horizonDays)]));
  const skilled = names.filter((n) => shrunk[n] > 0);
  if (skilled.length === 0) {
    const best = names.reduce((a, b) =>
      meanOfFinite(seriesOf(b)) > meanOfFinite(seriesOf(a)) + 1e-12 ? b : a,
    );
    return {
      weights: alone(names, best),
      how: `${best} alone (no component significant on ${source})`,
    };
  }
  const total = skilled.reduce((sum, n) => sum + shrunk[n], 0);
  const weights = Object.fromEntries(
    names.map((n) => [
      n,
      shrunk[n] > 0
        ? (1 - shrinkToEqual) * (shrunk[n] / total) + shrinkToEqual / skilled.length
        : 0,
    ]),
  );
  const spread = shrinkToEqual === 0.5 ? 'half' : `${Math.round(shrinkToEqual * 100)}%`;
  return { weights, how: `blend: Rank IC shrunk by its t on ${source}, ${spread} spread equally` };
}
