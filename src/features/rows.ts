import type { RegimeThresholds } from '../config.ts';
import { DataError } from '../errors.ts';
import type { AdjustedSeries } from '../store/types.ts';
import { buildMarketContext } from './context.ts';
import { computeFeatures } from './feature-set.ts';
import { featureSetIdentity } from './identity.ts';
import type { FeatureMatrix } from './matrix.ts';
import { rowAsOf } from './matrix.ts';

export interface FeatureRowsOptions {
  /** Last row dated on or before this YYYY-MM-DD; default: the last row. */
  asOf?: string;
  /** How many rows up to and including the as-of row; default 1. */
  last?: number;
}

export interface FeatureRowRecord {
  date: string;
  valid: boolean;
  /** Every feature by name; null where the value is NaN (warm-up). */
  features: Record<string, number | null>;
}

/** What `mlx features --json` prints: the exact rows the models see. */
export interface FeatureRowsReport {
  schema: 'mlx.features/1';
  symbol: string;
  featureSet: { id: string; hash: string };
  asOf: string;
  names: readonly string[];
  rows: FeatureRowRecord[];
}

/**
 * The rows `mlx features SYMBOL` shows: features computed on the symbol's
 * stored bars against the market of the whole `universe` (every stored
 * symbol, including this one), exactly as train and predict compute them.
 * Rows after `asOf` are never read into the shown rows' values (row t uses
 * bars up to t only), so the output is what a model saw on that day.
 */
export function featureReport(
  series: AdjustedSeries,
  universe: readonly AdjustedSeries[],
  options: FeatureRowsOptions & { regime: RegimeThresholds },
): FeatureRowsReport {
  const matrix = computeFeatures(series, buildMarketContext(universe), { regime: options.regime });
  return selectFeatureRows(matrix, options, featureSetIdentity(options.regime));
}

/** Rows of an already computed matrix, for JSON or CSV output. */
export function selectFeatureRows(
  matrix: FeatureMatrix,
  options: FeatureRowsOptions,
  identity: { id: string; hash: string },
): FeatureRowsReport {
  if (matrix.dates.length === 0) throw new DataError(`no bars stored for ${matrix.symbol}`);
  const asOfRow =
    options.asOf === undefined ? matrix.dates.length - 1 : rowAsOf(matrix, options.asOf);
  if (asOfRow < 0) {
    throw new DataError(
      `no bars of ${matrix.symbol} on or before ${options.asOf}`,
      `${matrix.symbol}'s data starts on ${matrix.dates[0]}`,
    );
  }
  const last = options.last ?? 1;
  if (!Number.isInteger(last) || last < 1)
    throw new RangeError(`last must be a positive integer, got ${last}`);
  const width = matrix.names.length;
  const rows: FeatureRowRecord[] = [];
  for (let t = Math.max(0, asOfRow - last + 1); t <= asOfRow; t++) {
    const features: Record<string, number | null> = {};
    for (let j = 0; j < width; j++) {
      const value = matrix.values[t * width + j];
      features[matrix.names[j]] = Number.isFinite(value) ? value : null;
    }
    rows.push({ date: matrix.dates[t], valid: matrix.valid[t] === 1, features });
  }
  return {
    schema: 'mlx.features/1',
    symbol: matrix.symbol,
    featureSet: { id: identity.id, hash: identity.hash },
    asOf: matrix.dates[asOfRow],
    names: matrix.names,
    rows,
  };
}

/** CSV of the selected rows: date, valid (1/0), then one column per feature; NaN is an empty cell. */
export function featureRowsToCsv(report: FeatureRowsReport): string {
  const lines = [['date', 'valid', ...report.names].join(',')];
  for (const row of report.rows) {
    const cells = report.names.map((name) => {
      const value = row.features[name];
      return value === null ? '' : String(value);
    });
    lines.push([row.date, row.valid ? '1' : '0', ...cells].join(','));
  }
  return `${lines.join('\n')}\n`;
}
