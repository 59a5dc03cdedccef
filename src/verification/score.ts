import type { Prediction, Verification } from '../ledger/records.ts';
import type { AdjustedSeries } from '../store/types.ts';

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

export type Scored =
  | { status: 'due'; verification: Verification }
  | { status: 'pending' }
  /** Long past its target, and the store lacks the bars to say anything: an error, never a record. */
  | { status: 'missing'; reason: string };

export interface GiveUp {
  /** Today, YYYY-MM-DD. */
  today: string;
  /** Days past the target date after which missing bars are an error rather than "not yet". */
  graceDays: number;
  /** The symbol is known to be delisted: missing bars after the grace make it unresolvable. */
  delisted?: boolean;
}

/**
 * Score one prediction against the bars as adjusted now (pure). The realised
 * change is the adjusted close of the h-th bar after as_of over the adjusted
 * close at as_of, so a split or dividend in between is not a miss. Prices are
 * reported in the as_of price basis (current_price × (1 + change)).
 *
 * `unresolvable` needs positive evidence: the series continues past the
 * target without the as_of bar, or the symbol is known to be delisted. Bars
 * that are simply absent (no store, a symbol removed, data not refreshed) are
 * `missing` once the grace has passed: the caller reports an error and writes
 * nothing, so restoring the data lets the prediction be scored.
 */
/** The model universe's realised move over a prediction's sessions (see universeMove). */
export interface UniverseMove {
  /** Mean of the members' log returns. */
  logMean: number;
  size: number;
}

export function scorePrediction(
  prediction: Prediction,
  series: AdjustedSeries,
  verifiedAt: string,
  giveUpAfter: GiveUp,
  dateIndex?: ReadonlyMap<string, number>,
  /** The universe's move over the same sessions, asked for only when the prediction is scored. */
  universe?: () => UniverseMove | null,
): Scored {
  const base = dateIndex
    ? (dateIndex.get(prediction.as_of) ?? -1)
    : series.dates.indexOf(prediction.as_of);
  const target = base + prediction.horizon_days;
  const header = {
    schema: 'mlx.verification/2' as const,
    prediction_id: prediction.id,
    symbol: prediction.symbol,
    as_of: prediction.as_of,
    target_date: prediction.target_date,
    verified_at: verifiedAt,
  };
  if (base >= 0 && target < series.dates.length) {
    const change = series.close[target] / series.close[base] - 1;
    const actualPrice = prediction.current_price * (1 + change);
    const actualChangePct = change * 100;
    return {
      status: 'due',
      verification: {
        ...header,
        status: 'verified',
        actual_date: series.dates[target],
        actual_price: round(actualPrice, 4),
        actual_change_pct: round(actualChangePct, 4),
        error_pct: round(prediction.predicted_change_pct - actualChangePct, 4),
        direction_hit: (prediction.direction === 'up') === change > 0,
        within_interval:
          actualPrice >= prediction.interval.low && actualPrice <= prediction.interval.high,
        ...relativeOutcome(prediction, Math.log1p(change), universe?.() ?? null),
      },
    };
  }
  const last = series.dates.at(-1);
  if (base < 0 && last !== undefined && last > prediction.target_date) {
    return {
      status: 'due',
      verification: {
        ...header,
        status: 'unresolvable',
        reason: `no bar on ${prediction.as_of} in the data any more, though the series continues to ${last} (revised or removed)`,
      },
    };
  }
  // Not enough bars yet: wait, until the target is long past.
  if (giveUpAfter.today <= addDays(prediction.target_date, giveUpAfter.graceDays))
    return { status: 'pending' };
  const stored =
    last === undefined
      ? 'no bars in the store'
      : base < 0
        ? `no bar on ${prediction.as_of}, the last bar is on ${last}`
        : `only ${series.dates.length - 1 - base} bar(s) after ${prediction.as_of}, the last on ${last}`;
  if (giveUpAfter.delisted) {
    return {
      status: 'due',
      verification: {
        ...header,
        status: 'unresolvable',
        reason: `delisted: ${stored}, ${prediction.horizon_days} needed`,
      },
    };
  }
  return {
    status: 'missing',
    reason: `${stored}; ${prediction.horizon_days} needed (target ${prediction.target_date})`,
  };
}

/**
 * The stock's move against its universe's over the same sessions: the log
 * difference (as the excess the models learn), and whether a `/2`
 * prediction's expected excess had its sign.
 */
function relativeOutcome(prediction: Prediction, logChange: number, universe: UniverseMove | null) {
  if (!universe || universe.size < 2) return {};
  const excess = logChange - universe.logMean;
  const expected = prediction.schema === 'mlx.prediction/2' ? prediction.expected_excess_pct : 0;
  return {
    universe_change_pct: round(Math.expm1(universe.logMean) * 100, 4),
    universe_size: universe.size,
    actual_excess_pct: round(Math.expm1(excess) * 100, 4),
    ...(expected !== 0 && excess !== 0 ? { excess_hit: expected > 0 === excess > 0 } : {}),
  };
}

/**
 * The mean log return of a universe over the `horizonDays` bars after
 * `asOf`, over the members with both bars (pure); null when none has them.
 */
export function universeMove(
  members: Iterable<{ series: AdjustedSeries; index: ReadonlyMap<string, number> }>,
  asOf: string,
  horizonDays: number,
): UniverseMove | null {
  let sum = 0;
  let size = 0;
  for (const { series, index } of members) {
    const base = index.get(asOf);
    if (base === undefined || base + horizonDays >= series.dates.length) continue;
    sum += Math.log(series.close[base + horizonDays] / series.close[base]);
    size++;
  }
  return size > 0 ? { logMean: sum / size, size } : null;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
