import { rankInputName } from '../training/cross-section.ts';
import type { Dataset } from '../training/panel.ts';
import { scaleInto, type Scaler } from '../training/scaler.ts';
import type { ExportColumn, ExportTable } from './table.ts';

export const FEATURES_SCHEMA = 'mlx.export.features/1';

/** The name of a feature's standardised column (XGBoost's input) in the export. */
export const scaledColumnName = (feature: string) => `${feature}_scaled`;

export interface FeaturesExport {
  data: Dataset;
  /** The rows to export (indices into the dataset), in order. */
  rows: readonly number[];
  /** A model version's scaler: adds the `<feature>_scaled` columns XGBoost sees. */
  scaler?: { scaler: Scaler; model: string };
  featureSet: string;
}

/**
 * The dataset rows the models see (pure): symbol, date, every feature in its
 * own units, its per-date rank across the universe (`<feature>_cs_rank`, as
 * XGBoost sees it), with a model's scaler the standardised value XGBoost sees
 * (`<feature>_scaled`), and the forward return and processed label where known.
 */
export function featuresTable(input: FeaturesExport): ExportTable {
  const { data, rows } = input;
  const width = data.featureNames.length;
  const k = data.rankedNames.length;
  const n = rows.length;
  const columns: ExportColumn[] = [
    {
      name: 'symbol',
      data: { type: 'VARCHAR', values: rows.map((r) => data.symbols[data.symbolIndex[r]]) },
    },
    {
      name: 'date',
      data: { type: 'DATE', values: rows.map((r) => data.dates[data.dateIndex[r]]) },
    },
  ];
  // Columns read in place from the dataset's row-major matrices as they are written.
  const selected = Int32Array.from(rows);
  data.featureNames.forEach((name, column) =>
    columns.push({
      name,
      data: { type: 'DOUBLE', gather: { matrix: data.x, width, column, rows: selected } },
    }),
  );
  data.rankedNames.forEach((name, column) =>
    columns.push({
      name: rankInputName(name),
      data: { type: 'FLOAT', gather: { matrix: data.ranks, width: k, column, rows: selected } },
    }),
  );
  const inputs = [...data.rankedNames.map(rankInputName)];
  const scaler = input.scaler?.scaler;
  if (scaler) {
    // XGBoost's inputs, standardised once here (row-major), then read like the others.
    const scaled = new Float32Array(n * width);
    rows.forEach((r, i) => {
      const symbol = data.symbols[data.symbolIndex[r]];
      scaleInto(scaler, symbol, data.x.subarray(r * width, (r + 1) * width), scaled, i * width);
    });
    const order = Int32Array.from({ length: n }, (_, i) => i);
    data.featureNames.forEach((name, column) =>
      columns.push({
        name: scaledColumnName(name),
        data: { type: 'FLOAT', gather: { matrix: scaled, width, column, rows: order } },
      }),
    );
    inputs.unshift(...data.featureNames.map(scaledColumnName));
  }
  columns.push(
    {
      name: 'forward_log_return',
      data: { type: 'DOUBLE', values: Float64Array.from(rows, (r) => data.y[r]) },
    },
    {
      name: 'label',
      data: { type: 'DOUBLE', values: Float64Array.from(rows, (r) => data.label[r]) },
    },
  );
  return {
    schema: FEATURES_SCHEMA,
    rows: n,
    columns,
    metadata: {
      feature_set: input.featureSet,
      horizon_days: String(data.horizonDays),
      label_kind: data.labelKind,
      ...(input.scaler
        ? {
            model: input.scaler.model,
            // What to train XGBoost on, in the order `mlx models import` expects.
            xgb_inputs: JSON.stringify(inputs),
          }
        : {}),
    },
  };
}
