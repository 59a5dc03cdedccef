import type { Prediction, Verification } from '../ledger/records.ts';
import type { AdjustedSeries } from '../store/types.ts';

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

export type Scored = { status: 'due'; verification: Verification } | { status: 'pending' };

/**
 * Score one prediction against the bars as adjusted now (pure). The realised
 * change is the adjusted close of the h-th bar after as_of over the adjusted
 * close at as_of, so a split or dividend in between is not a miss. Prices are
 * reported in the as_of price basis (current_price × (1 + change)).
 */
export function scorePrediction(
  prediction: Prediction,
  series: AdjustedSeries,
  verifiedAt: string,
  giveUpAfter: { today: string; graceDays: number },
  dateIndex?: ReadonlyMap<string, number>,
): Scored {
  const base = dateIndex
    ? (dateIndex.get(prediction.as_of) ?? -1)
    : series.dates.indexOf(prediction.as_of);
  const target = base + prediction.horizon_days;
  const header = {
    schema: 'mlx.verification/1' as const,
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
      },
    };
  }
  // Not enough bars yet: wait, unless the target is long past (delisted, or the data stopped).
  if (giveUpAfter.today <= addDays(prediction.target_date, giveUpAfter.graceDays))
    return { status: 'pending' };
  const reason =
    base < 0
      ? `no bar on ${prediction.as_of} in the data any more (revised or removed)`
      : `no data ${prediction.horizon_days} sessions after ${prediction.as_of} (last bar ${series.dates.at(-1)}; delisted or no longer updated?)`;
  return { status: 'due', verification: { ...header, status: 'unresolvable', reason } };
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
