import type { MetricOptions } from './metrics.ts';

/**
 * The naive baselines every model is reported next to (README, "How predictions are made"), defined
 * once for walk-forward (train), backtest and report:
 * - zero_change: no move (no direction, so no hit rate);
 * - always_up: the drift, called up with the base rate as P(up);
 * - momentum: yesterday's return, in yesterday's direction.
 */
export const BASELINES = ['zero_change', 'always_up', 'momentum'] as const;
export type BaselineName = (typeof BASELINES)[number];

/** How each baseline is judged: zero_change states no direction. */
export const BASELINE_METRICS: Record<BaselineName, Omit<MetricOptions, 'horizonDays'>> = {
  zero_change: { directional: false },
  always_up: {},
  momentum: {},
};

export interface BaselineInputs {
  /** Mean log return over the horizon (training rows); 0 when unknown. */
  drift: number;
  /** P(up) of always_up: the share of rows that went up. */
  upRate: number;
  /** Each row's previous-session log return (0 when unknown). */
  yesterday: Float64Array;
  /** P(up) after an up and after a down day; without it momentum states none. */
  upRateAfter?: { up: number; down: number };
}

/** What a baseline says of each row: a forecast, a ranking score and P(up) (NaN: none). */
export interface BaselineForecast {
  predicted: Float64Array;
  /** Omitted when the forecast itself ranks the rows. */
  score?: Float64Array;
  probabilityUp: Float64Array;
}

/** Every baseline's forecasts for the rows. */
export function baselineForecasts(input: BaselineInputs): Record<BaselineName, BaselineForecast> {
  const n = input.yesterday.length;
  const { upRateAfter } = input;
  return {
    zero_change: { predicted: new Float64Array(n), probabilityUp: new Float64Array(n).fill(NaN) },
    // A tiny positive drift at least: "up" must be a direction even when the drift is not.
    always_up: {
      predicted: new Float64Array(n).fill(Math.max(input.drift, 1e-9)),
      score: new Float64Array(n),
      probabilityUp: new Float64Array(n).fill(input.upRate),
    },
    momentum: {
      predicted: input.yesterday,
      probabilityUp: upRateAfter
        ? Float64Array.from(input.yesterday, (v) => (v >= 0 ? upRateAfter.up : upRateAfter.down))
        : new Float64Array(n).fill(NaN),
    },
  };
}

/** Whether a baseline calls a move up, given the last return (momentum needs it); null: no call. */
export function baselineCallsUp(
  name: BaselineName,
  lastReturn: number | undefined,
): boolean | null {
  if (name === 'always_up') return true;
  if (name === 'momentum') return lastReturn === undefined ? null : lastReturn >= 0;
  return null;
}
