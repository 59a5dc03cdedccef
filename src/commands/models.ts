import path from 'node:path';
import type { Context } from '../context.ts';
import { UsageError } from '../errors.ts';
import type { Manifest } from '../registry/manifest.ts';
import { METRICS_FILE, readMetrics } from '../registry/metrics-file.ts';
import {
  finalFit,
  foldDiagnostics,
  type FinalFit,
  type FoldDiagnostics,
} from '../registry/diagnostics.ts';
import { assertHomeExists } from '../home-access.ts';
import { Home } from '../home-files/home.ts';

export interface ModelSummary {
  name: string;
  version: string;
  current: boolean;
  created_at: string;
  data_until: string;
  symbols: number;
  models: string[];
  horizon_days: number;
  ensemble_directional_accuracy: number | null;
  ensemble_rank_ic: number | null;
}

/** `mlx models ls`. */
export function listModels(ctx: Context): ModelSummary[] {
  assertHomeExists(ctx);
  const registry = Home.of(ctx).models;
  return registry.names().flatMap((name) =>
    registry.versions(name).map((v) => {
      const metrics = readMetrics(v.dir);
      return {
        name,
        version: v.version,
        current: v.current,
        created_at: v.manifest.created_at,
        data_until: v.manifest.data_range.until,
        symbols: v.manifest.symbols.length,
        models: v.manifest.models,
        horizon_days: v.manifest.label.horizon_days,
        ensemble_directional_accuracy:
          metrics?.walk_forward?.ensemble?.directional_accuracy ?? null,
        ensemble_rank_ic: metrics?.walk_forward?.ensemble?.rank_ic?.mean ?? null,
      };
    }),
  );
}

export interface ModelDetail {
  name: string;
  version: string;
  current: boolean;
  dir: string;
  manifest: Manifest;
  metrics: unknown;
  /** metrics.json's folds[], validated: rounds, epochs, samples, Rank IC and coverage per fold. */
  folds: FoldDiagnostics[];
  /** What the final fit ran (XGBoost rounds, LSTM epochs and samples), when recorded. */
  final_fit: FinalFit | null;
}

/** `mlx models show NAME [VERSION]` (default: the promoted version). */
export function showModel(ctx: Context, name: string, version?: string): ModelDetail {
  assertHomeExists(ctx);
  const registry = Home.of(ctx).models;
  const v = version ? registry.get(name, version) : registry.current(name);
  const metrics = readMetrics(v.dir);
  return {
    name,
    version: v.version,
    current: v.current,
    dir: v.dir,
    manifest: v.manifest,
    metrics,
    folds: foldDiagnostics(metrics, path.join(v.dir, METRICS_FILE)),
    final_fit: finalFit(v.manifest.params),
  };
}

/** `mlx models promote NAME VERSION`: move CURRENT (atomically, under the lock). */
export async function promoteModel(
  ctx: Context,
  name: string,
  version: string,
): Promise<{ name: string; version: string; previous: string | null }> {
  if (!version) throw new UsageError('name the version to promote', 'see mlx models ls');
  return Home.of(ctx).withWriteLock(ctx, 'models promote', () => {
    const registry = Home.of(ctx).models;
    const previous = registry.currentVersion(name);
    registry.promote(name, version);
    return { name, version, previous };
  });
}
