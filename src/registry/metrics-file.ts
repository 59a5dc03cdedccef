import path from 'node:path';
import { z } from 'zod';
import type { Metrics } from '../evaluation/metrics.ts';
import { readValidated, writeJson } from './json-file.ts';

/**
 * metrics.json of a model version (`mlx.metrics/1`): every model's and
 * baseline's figures, the folds they came from and the verdicts. Figures
 * older versions did not write are optional; readMetrics returns the file as
 * written once it validates, so `models show` prints it as it is.
 */
const correlation = z
  .object({
    mean: z.number().nullable(),
    t_stat: z.number().nullable().optional(),
    ir: z.number().nullable().optional(),
    days: z.number().int().optional(),
  })
  .passthrough();

const figures = z
  .object({
    rows: z.number().int(),
    mae: z.number().nullable().optional(),
    rmse: z.number().nullable().optional(),
    directional_accuracy: z.number().nullable().optional(),
    auc: z.number().nullable().optional(),
    brier: z.number().nullable().optional(),
    interval_coverage: z.number().nullable().optional(),
    ic: correlation.optional(),
    rank_ic: correlation.optional(),
    long_short: z.object({}).passthrough().optional(),
  })
  .passthrough();

const span = z.object({ from: z.string(), to: z.string(), rows: z.number().int().optional() });

/**
 * One walk-forward fold: its dates, what each model ran, how its test rows
 * scored. Parsing keeps just these fields (what `models show` lists per fold);
 * every field but the dates is optional: older versions wrote fewer, and a
 * model without XGBoost or the LSTM has no entry for it.
 */
export const foldSchema = z.object({
  index: z.number().int(),
  train: span.optional(),
  validation: span.optional(),
  test: span,
  xgb: z.object({ rounds_run: z.number(), best_iteration: z.number() }).optional(),
  lstm: z
    .object({ epochs_run: z.number(), samples: z.number(), backend: z.string().optional() })
    .optional(),
  ensemble: z
    .object({ weights: z.record(z.string(), z.number()), weighting: z.string().optional() })
    .optional(),
  ensemble_rank_ic: z.number().nullable().optional(),
  ensemble_directional_accuracy: z.number().nullable().optional(),
  coverage: z.number().nullable().optional(),
});

export const metricsFileSchema = z
  .object({
    schema: z.literal('mlx.metrics/1'),
    horizon_days: z.number().int().positive(),
    label: z.string(),
    /** An imported booster is judged on its version's validation window only. */
    evaluation: z.literal('validation_window').optional(),
    note: z.string().optional(),
    walk_forward: z.record(z.string(), figures),
    validation_window: span.extend({ metrics: z.record(z.string(), figures) }).optional(),
    folds: z.array(foldSchema),
    verdicts: z.array(z.string()).optional(),
  })
  .passthrough();

export type MetricsFile = z.infer<typeof metricsFileSchema>;
export type StoredFigures = z.infer<typeof figures>;
export type StoredFold = z.infer<typeof foldSchema>;

/** What writers give: the figures as computed (the file's own type is looser, for old files). */
export interface MetricsDocument {
  schema: 'mlx.metrics/1';
  horizon_days: number;
  label: string;
  evaluation?: 'validation_window';
  note: string;
  walk_forward: Partial<Record<string, Metrics>>;
  validation_window?: {
    from: string;
    to: string;
    rows: number;
    metrics: Partial<Record<string, Metrics>>;
  };
  folds: readonly object[];
  verdicts: readonly string[];
}

export const METRICS_FILE = 'metrics.json';

export function writeMetrics(dir: string, document: MetricsDocument): void {
  writeJson(path.join(dir, METRICS_FILE), document);
}

/** A version's metrics.json, validated; null when the version has none. */
export function readMetrics(dir: string): MetricsFile | null {
  return readValidated(path.join(dir, METRICS_FILE), metricsFileSchema, {
    optional: true,
    asWritten: true,
  });
}
