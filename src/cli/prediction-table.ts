import type { Prediction, Verification } from '../ledger/records.ts';
import { strongestSignals, type HeadWeights } from '../prediction/strongest.ts';
import type { Terminal } from './io.ts';
import { renderTable } from './table.ts';

const signed = (value: number, digits = 2) => `${value >= 0 ? '+' : ''}${value.toFixed(digits)}%`;

export interface PredictionTableOptions {
  verifications?: ReadonlyMap<string, Verification>;
  /** Head weights by `name/version`: strongest signals rank by their pull at these. */
  heads?: ReadonlyMap<string, HeadWeights | null>;
  /** Rank, expected excess and P(outperform) first: the direction restates the base rate. */
  relativeFirst?: boolean;
}

/** Prediction records as a compact table (predict, predictions); an outcome column when given. */
export function predictionTable(
  records: readonly Prediction[],
  terminal: Pick<Terminal, 'paint' | 'columns' | 'stdoutIsTTY'>,
  options: PredictionTableOptions = {},
): string {
  if (records.length === 0) return '';
  const { paint } = terminal;
  const { verifications } = options;
  const outcome = (r: Prediction) => {
    const v = verifications?.get(r.id);
    if (!v) return 'pending';
    if (v.status !== 'verified' || v.actual_change_pct === undefined) return v.status;
    const mark = v.direction_hit ? paint.green('hit') : paint.red('miss');
    return `${signed(v.actual_change_pct)} ${mark}`;
  };
  const columns: [string, (r: Prediction) => string][] = [
    ['symbol', (r) => (r.in_sample ? `${r.symbol}*` : r.symbol)],
    ['as of', (r) => r.as_of],
    ['price', (r) => r.current_price.toFixed(2)],
    [
      'change',
      (r) => {
        const change = signed(r.predicted_change_pct);
        return r.direction === 'up' ? paint.green(change) : paint.red(change);
      },
    ],
    ['excess', (r) => (r.schema === 'mlx.prediction/2' ? signed(r.expected_excess_pct) : '–')],
    ['rank', (r) => (r.schema === 'mlx.prediction/2' ? r.rank_pct.toFixed(0) : '–')],
    ['P(up)', (r) => r.probability_up.toFixed(2)],
    [
      'P(out)',
      (r) => (r.schema === 'mlx.prediction/2' ? r.probability_outperform.toFixed(2) : '–'),
    ],
    ['conf', (r) => r.confidence.toFixed(2)],
    ['80% interval', (r) => `${r.interval.low.toFixed(2)}–${r.interval.high.toFixed(2)}`],
    ...(verifications ? [['outcome', outcome] as [string, (r: Prediction) => string]] : []),
    ['regime', (r) => r.market_regime ?? '–'],
    [
      'strongest signals',
      (r) =>
        strongestSignals(r, options.heads?.get(`${r.model.name}/${r.model.version}`) ?? null).join(
          ', ',
        ) || '–',
    ],
  ];
  const relative = ['rank', 'excess', 'P(out)'];
  const ordered = options.relativeFirst
    ? [
        ...columns.slice(0, 2),
        ...relative.map((name) => columns.find(([n]) => n === name) as (typeof columns)[number]),
        ...columns.slice(2).filter(([n]) => !relative.includes(n)),
      ]
    : columns;
  return renderTable(
    ordered.map(([name]) => name),
    records.map((r) => ordered.map(([, cell]) => cell(r))),
    terminal,
  );
}
