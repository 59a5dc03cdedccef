import { MissingDependencyError } from '../errors.ts';
import { REFERENCE_LIBRARY } from '../features/index.ts';
import type { ModelKind } from './fit.ts';
import { MLX_VERSION } from '../version.ts';
import { loadXGBoost, xgboostStatus, type XGBoostLib } from '../models/xgboost/index.ts';

/**
 * Which models train. XGBoost asked for explicitly but missing is a usage
 * error naming the install command; missing by default is one warning.
 */
export function resolveModels(
  asked: ModelKind[] | undefined,
  configured: readonly ModelKind[],
  warn: (message: string) => void,
): { models: ModelKind[]; xgbLib: XGBoostLib | null } {
  const models = [...new Set(asked ?? configured)];
  if (!models.includes('xgb')) return { models, xgbLib: null };
  const status = xgboostStatus();
  if (status.available) return { models, xgbLib: loadXGBoost() };
  if (asked?.includes('xgb')) {
    loadXGBoost(); // throws MissingDependencyError with the install command
    throw new MissingDependencyError('libxgboost is not available');
  }
  const warning = `XGBoost skipped: ${status.reason} Training the LSTM and rules only.`;
  warn(warning);
  return { models: models.filter((m) => m !== 'xgb'), xgbLib: null };
}

export async function libraryVersions(
  xgbLib: XGBoostLib | null,
  tfBackend: string | undefined,
): Promise<Record<string, string>> {
  const versions: Record<string, string> = {
    node: process.versions.node,
    mlx: MLX_VERSION,
    features_reference: REFERENCE_LIBRARY,
  };
  if (xgbLib) versions.xgboost = xgbLib.version;
  if (tfBackend) {
    const { version } = await import('@tensorflow/tfjs');
    versions.tfjs = version.tfjs;
    versions.tfjs_backend = tfBackend;
  }
  return versions;
}
