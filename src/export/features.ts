import { rankInputName } from '../dataset/cross-section.ts';
import { scaleInto, type Scaler } from '../dataset/scaler.ts';
import type { FeaturePass, FeatureRows } from './feature-rows.ts';
import type { ColumnData, ColumnSpec, ExportBatch, ExportTable } from './table.ts';

export const FEATURES_SCHEMA = 'mlx.export.features/1';

/** The name of a feature's standardised column (XGBoost's input) in the export. */
export const scaledColumnName = (feature: string) => `${feature}_scaled`;

export interface FeaturesExport {
  /** The panel's rows, dates, labels and ranks. */
  data: FeatureRows;
  /** The panel's symbols, by position. */
  symbols: readonly string[];
  /** Computes the features of the symbols written (one at a time). */
  pass: FeaturePass;
  /** Only these symbols' rows (all when absent). */
  keepSymbols?: ReadonlySet<string> | null;
  /** Only rows of these sessions on. */
  since?: string;
  /** A model version's scaler: adds the `<feature>_scaled` columns XGBoost sees. */
  scaler?: { scaler: Scaler; model: string };
  featureSet: string;
  /** At most this many rows a batch (default: a symbol's rows); changes nothing in the file. */
  batchRows?: number;
}

/**
 * The dataset rows the models see: symbol, date, every feature in its own
 * units, its per-date rank across the universe (`<feature>_cs_rank`, as
 * XGBoost sees it), with a model's scaler the standardised value XGBoost sees
 * (`<feature>_scaled`), and the forward return and processed label where
 * known. Written symbol by symbol: a batch holds one symbol's rows.
 */
export function featuresTable(input: FeaturesExport): ExportTable {
  const { data } = input;
  const ranked = data.rankedNames.map(rankInputName);
  const scaled = input.scaler ? data.featureNames.map(scaledColumnName) : [];
  const columns: ColumnSpec[] = [
    { name: 'symbol', type: 'VARCHAR' },
    { name: 'date', type: 'DATE' },
    ...data.featureNames.map((name): ColumnSpec => ({ name, type: 'DOUBLE' })),
    ...ranked.map((name): ColumnSpec => ({ name, type: 'FLOAT' })),
    ...scaled.map((name): ColumnSpec => ({ name, type: 'FLOAT' })),
    { name: 'forward_log_return', type: 'DOUBLE' },
    { name: 'label', type: 'DOUBLE' },
  ];
  return {
    schema: FEATURES_SCHEMA,
    columns,
    metadata: {
      feature_set: input.featureSet,
      horizon_days: String(data.horizonDays),
      label_kind: data.labelKind,
      ...(input.scaler
        ? {
            model: input.scaler.model,
            // What to train XGBoost on, in the order `mlx models import` expects.
            xgb_inputs: JSON.stringify([...scaled, ...ranked]),
          }
        : {}),
    },
    batches: () => featureBatches(input),
  };
}

function* featureBatches(input: FeaturesExport): Generator<ExportBatch> {
  const { data, symbols, since } = input;
  const written = symbols.flatMap((symbol, s) =>
    !input.keepSymbols || input.keepSymbols.has(symbol) ? [s] : [],
  );
  let position = 0;
  for (const { features } of input.pass(written)) {
    const s = written[position++];
    const symbol = symbols[s];
    let first = data.start[s];
    const end = data.start[s + 1];
    // A symbol's rows are in date order.
    if (since !== undefined)
      while (first < end && data.dates[data.dateIndex[first]] < since) first++;
    const step = Math.max(1, input.batchRows ?? end - first);
    for (let from = first; from < end; from += step) {
      const rows = Int32Array.from({ length: Math.min(step, end - from) }, (_, i) => from + i);
      const bars = rows.map((r) => data.barIndex[r]);
      yield {
        rows: rows.length,
        columns: symbolBatch(input, symbol, features.values, rows, bars),
      };
    }
  }
}

/** The columns of some rows of one symbol (`rows` in the dataset, `bars` in its feature matrix). */
function symbolBatch(
  input: FeaturesExport,
  symbol: string,
  values: Float64Array,
  rows: Int32Array,
  bars: Int32Array,
): ColumnData[] {
  const { data } = input;
  const width = data.featureNames.length;
  const n = rows.length;
  const columns: ColumnData[] = [
    { type: 'VARCHAR', values: new Array<string>(n).fill(symbol) },
    { type: 'DATE', values: Array.from(rows, (r) => data.dates[data.dateIndex[r]]) },
  ];
  for (let column = 0; column < width; column++)
    columns.push({ type: 'DOUBLE', gather: { matrix: values, width, column, rows: bars } });
  for (const group of data.rankGroups)
    for (let column = 0; column < group.width; column++)
      columns.push({
        type: 'FLOAT',
        gather: { matrix: group.ranks, width: group.width, column, rows },
      });
  const scaler = input.scaler?.scaler;
  if (scaler) {
    // XGBoost's inputs for these rows, standardised here (row-major), then read like the others.
    const scaled = new Float32Array(n * width);
    bars.forEach((t, i) =>
      scaleInto(scaler, symbol, values.subarray(t * width, (t + 1) * width), scaled, i * width),
    );
    const order = Int32Array.from({ length: n }, (_, i) => i);
    for (let column = 0; column < width; column++)
      columns.push({ type: 'FLOAT', gather: { matrix: scaled, width, column, rows: order } });
  }
  columns.push(
    { type: 'DOUBLE', values: Float64Array.from(rows, (r) => data.y[r]) },
    { type: 'DOUBLE', values: Float64Array.from(rows, (r) => data.label[r]) },
  );
  return columns;
}
