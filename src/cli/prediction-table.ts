import type { Prediction, Verification } from '../ledger/records.ts';
import type { Terminal } from './io.ts';
import { renderTable } from './table.ts';

const signed = (value: number, digits = 2) => `${value >= 0 ? '+' : ''}${value.toFixed(digits)}%`;

/** Prediction records as a compact table (predict, predictions); an outcome column when given. */
export function predictionTable(
  records: readonly Prediction[],
  terminal: Pick<Terminal, 'paint' | 'columns' | 'stdoutIsTTY'>,
  verifications?: ReadonlyMap<string, Verification>,
): string {
  if (records.length === 0) return '';
  const { paint } = terminal;
  const outcome = (r: Prediction) => {
    const v = verifications?.get(r.id);
    if (!v) return 'pending';
    if (v.status !== 'verified' || v.actual_change_pct === undefined) return v.status;
    const mark = v.direction_hit ? paint.green('hit') : paint.red('miss');
    return `${signed(v.actual_change_pct)} ${mark}`;
  };
  return renderTable(
    [
      'symbol',
      'as of',
      'price',
      'change',
      'excess',
      'rank',
      'P(up)',
      'P(out)',
      'conf',
      '80% interval',
      ...(verifications ? ['outcome'] : []),
      'regime',
      'strongest signals',
    ],
    records.map((r) => {
      const v2 = r.schema === 'mlx.prediction/2' ? r : null;
      const change = signed(r.predicted_change_pct);
      const strongest = r.signals
        .filter((s) => s.value !== 0)
        .sort((a, b) => Math.abs(b.value * b.weight) - Math.abs(a.value * a.weight))
        .slice(0, 3)
        .map((s) => s.name)
        .join(', ');
      return [
        r.in_sample ? `${r.symbol}*` : r.symbol,
        r.as_of,
        r.current_price.toFixed(2),
        r.direction === 'up' ? paint.green(change) : paint.red(change),
        v2 ? signed(v2.expected_excess_pct) : '–',
        v2 ? v2.rank_pct.toFixed(0) : '–',
        r.probability_up.toFixed(2),
        v2 ? v2.probability_outperform.toFixed(2) : '–',
        r.confidence.toFixed(2),
        `${r.interval.low.toFixed(2)}–${r.interval.high.toFixed(2)}`,
        ...(verifications ? [outcome(r)] : []),
        r.market_regime ?? '–',
        strongest || '–',
      ];
    }),
    terminal,
  );
}
