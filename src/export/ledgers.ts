import type { Prediction, Verification } from '../ledger/records.ts';
import { columnOf, wholeTable, type ExportColumn, type ExportTable } from './table.ts';

export const PREDICTIONS_SCHEMA = 'mlx.export.predictions/1';
export const VERIFICATIONS_SCHEMA = 'mlx.export.verifications/1';

/** How many `explain` entries a record holds at most (the top 5). */
const EXPLAIN_SLOTS = 5;

/**
 * The prediction ledger flattened, one row per prediction (pure): nested
 * objects become `interval_low`, `component_xgb`, `model_version`…; each
 * signal seen in the rows gets `signal_<name>` (its value, null where it did
 * not fire) and `weight_<name>`; the explanation `explain_<k>_feature`,
 * `_value`, `_contribution` for k = 1…5.
 */
export function predictionsTable(records: readonly Prediction[]): ExportTable {
  const v2 = (p: Prediction) => (p.schema === 'mlx.prediction/2' ? p : null);
  const columns: ExportColumn[] = [
    columnOf('id', 'VARCHAR', records, (p) => p.id),
    columnOf('schema', 'VARCHAR', records, (p) => p.schema),
    columnOf('symbol', 'VARCHAR', records, (p) => p.symbol),
    columnOf('as_of', 'DATE', records, (p) => p.as_of),
    columnOf('created_at', 'VARCHAR', records, (p) => p.created_at),
    columnOf('horizon_days', 'INTEGER', records, (p) => p.horizon_days),
    columnOf('target_date', 'DATE', records, (p) => p.target_date),
    columnOf('current_price', 'DOUBLE', records, (p) => p.current_price),
    columnOf('predicted_price', 'DOUBLE', records, (p) => p.predicted_price),
    columnOf('predicted_change_pct', 'DOUBLE', records, (p) => p.predicted_change_pct),
    columnOf('interval_level', 'DOUBLE', records, (p) => p.interval.level),
    columnOf('interval_low', 'DOUBLE', records, (p) => p.interval.low),
    columnOf('interval_high', 'DOUBLE', records, (p) => p.interval.high),
    columnOf('direction', 'VARCHAR', records, (p) => p.direction),
    columnOf('probability_up', 'DOUBLE', records, (p) => p.probability_up),
    columnOf('confidence', 'DOUBLE', records, (p) => p.confidence),
    columnOf('market_regime', 'VARCHAR', records, (p) => p.market_regime ?? undefined),
    columnOf('component_xgb', 'DOUBLE', records, (p) => p.components.xgb),
    columnOf('component_lstm', 'DOUBLE', records, (p) => p.components.lstm),
    columnOf('component_rules', 'DOUBLE', records, (p) => p.components.rules),
    columnOf('model_name', 'VARCHAR', records, (p) => p.model.name),
    columnOf('model_version', 'VARCHAR', records, (p) => p.model.version),
    columnOf('feature_set', 'VARCHAR', records, (p) => p.model.feature_set),
    columnOf('price_basis_close', 'DOUBLE', records, (p) => p.price_basis.close),
    columnOf('price_basis_adj_factor', 'DOUBLE', records, (p) => p.price_basis.adj_factor),
    columnOf('in_sample', 'BOOLEAN', records, (p) => p.in_sample === true),
    columnOf('expected_excess_pct', 'DOUBLE', records, (p) => v2(p)?.expected_excess_pct),
    columnOf('drift_pct', 'DOUBLE', records, (p) => v2(p)?.drift_pct),
    columnOf('rank_pct', 'DOUBLE', records, (p) => v2(p)?.rank_pct),
    columnOf('probability_outperform', 'DOUBLE', records, (p) => v2(p)?.probability_outperform),
    columnOf('ensemble_score', 'DOUBLE', records, (p) => v2(p)?.ensemble_score),
    columnOf('volatility', 'DOUBLE', records, (p) => v2(p)?.volatility),
    columnOf('interval_scale', 'DOUBLE', records, (p) => v2(p)?.interval_scale),
  ];
  const signals = [...new Set(records.flatMap((p) => p.signals.map((s) => s.name)))].sort();
  for (const name of signals) {
    const find = (p: Prediction) => p.signals.find((s) => s.name === name);
    columns.push(
      columnOf(`signal_${name}`, 'DOUBLE', records, (p) => find(p)?.value),
      columnOf(`weight_${name}`, 'DOUBLE', records, (p) => find(p)?.weight),
    );
  }
  if (records.some((p) => v2(p)?.explain)) {
    for (let k = 0; k < EXPLAIN_SLOTS; k++) {
      const at = (p: Prediction) => v2(p)?.explain?.[k];
      columns.push(
        columnOf(`explain_${k + 1}_feature`, 'VARCHAR', records, (p) => at(p)?.feature),
        columnOf(`explain_${k + 1}_value`, 'DOUBLE', records, (p) => at(p)?.value),
        columnOf(`explain_${k + 1}_contribution`, 'DOUBLE', records, (p) => at(p)?.contribution),
      );
    }
  }
  return wholeTable(PREDICTIONS_SCHEMA, records.length, columns);
}

/**
 * The verification ledger, one row per line in ledger order (pure); `latest`
 * marks the line readers use for its prediction (a re-score supersedes).
 */
export function verificationsTable(
  records: readonly Verification[],
  latest: ReadonlyMap<string, Verification>,
): ExportTable {
  const columns: ExportColumn[] = [
    columnOf('prediction_id', 'VARCHAR', records, (v) => v.prediction_id),
    columnOf('schema', 'VARCHAR', records, (v) => v.schema),
    columnOf('symbol', 'VARCHAR', records, (v) => v.symbol),
    columnOf('as_of', 'DATE', records, (v) => v.as_of),
    columnOf('target_date', 'DATE', records, (v) => v.target_date),
    columnOf('verified_at', 'VARCHAR', records, (v) => v.verified_at),
    columnOf('status', 'VARCHAR', records, (v) => v.status),
    columnOf('reason', 'VARCHAR', records, (v) => v.reason),
    columnOf('actual_date', 'DATE', records, (v) => v.actual_date),
    columnOf('actual_price', 'DOUBLE', records, (v) => v.actual_price),
    columnOf('actual_change_pct', 'DOUBLE', records, (v) => v.actual_change_pct),
    columnOf('error_pct', 'DOUBLE', records, (v) => v.error_pct),
    columnOf('direction_hit', 'BOOLEAN', records, (v) => v.direction_hit),
    columnOf('within_interval', 'BOOLEAN', records, (v) => v.within_interval),
    columnOf('supersedes', 'VARCHAR', records, (v) => v.supersedes),
    columnOf('latest', 'BOOLEAN', records, (v) => latest.get(v.prediction_id) === v),
  ];
  return wholeTable(VERIFICATIONS_SCHEMA, records.length, columns);
}
