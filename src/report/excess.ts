import { MIN_CROSS_SECTION, mean } from '../evaluation/stats.ts';
import { rankingScore, type Outcome } from './accuracy.ts';

/** A verified prediction judged against its session's universe rather than against zero. */
export interface RelativeOutcome {
  /** Realised log return over the horizon minus the session's mean (log units). */
  realised_excess: number;
  /** The prediction ranked the stock above its session's mean score. */
  predicted_outperform: boolean;
  hit: boolean;
}

/** Fields a later verification record may carry (mlx.verification/2); read when present. */
interface RelativeFields {
  actual_excess_pct?: number;
  excess_hit?: boolean;
}

/**
 * Each verified prediction's relative call (pure): did the stock beat the
 * mean of the stocks verified for the same session, as its score said it
 * would? The realised excess is the stock's log return minus that session's
 * mean log return; a verification that records its own excess
 * (`actual_excess_pct`, `excess_hit`) is taken at its word. Sessions with
 * fewer than MIN_CROSS_SECTION verified stocks have no universe to beat.
 */
export function relativeOutcomes(outcomes: readonly Outcome[]): Map<string, RelativeOutcome> {
  const bySession = new Map<string, Outcome[]>();
  for (const o of outcomes) {
    const key = `${o.prediction.as_of}|${o.prediction.horizon_days}`;
    const list = bySession.get(key);
    if (list) list.push(o);
    else bySession.set(key, [o]);
  }
  const result = new Map<string, RelativeOutcome>();
  for (const members of bySession.values()) {
    if (members.length < MIN_CROSS_SECTION) continue;
    const logReturn = (o: Outcome) => Math.log1p(o.verification.actual_change_pct / 100);
    const meanReturn = mean(members.map(logReturn));
    const meanScore = mean(members.map((o) => rankingScore(o.prediction)));
    for (const o of members) {
      const recorded = o.verification as RelativeFields;
      const realisedExcess =
        recorded.actual_excess_pct !== undefined
          ? Math.log1p(recorded.actual_excess_pct / 100)
          : logReturn(o) - meanReturn;
      const predictedOutperform = rankingScore(o.prediction) > meanScore;
      result.set(o.prediction.id, {
        realised_excess: realisedExcess,
        predicted_outperform: predictedOutperform,
        hit: recorded.excess_hit ?? realisedExcess > 0 === predictedOutperform,
      });
    }
  }
  return result;
}
