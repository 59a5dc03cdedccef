import type { Config } from '../config.ts';
import { forecastTargets, type ScoreTarget, type TargetForecast } from '../prediction/score.ts';
import type { LoadedModel } from '../registry/loaded-model.ts';
import type { Panel } from '../dataset/panel.ts';
import type { ModelUnit } from '../inference/score-components.ts';
import type { WeightTable } from '../weights/weights.ts';
import { explainRow, rowContributions, type Explanation } from './contributions.ts';

/**
 * What predict records and explain recomputes, by one path: each target's
 * forecast from its session's cross-section, then its explanation on the
 * same inputs.
 */
export function forecastAndExplain(
  model: LoadedModel,
  panel: Panel,
  targets: readonly ScoreTarget[],
  weights: ReadonlyMap<string, WeightTable>,
  config: Pick<Config, 'signalWeights' | 'adaptation'>,
): { forecasts: TargetForecast[]; explanations: (Explanation | null)[] } {
  const forecasts = forecastTargets(
    model,
    panel,
    targets,
    weights,
    config.signalWeights,
    config.adaptation,
  );
  return { forecasts, explanations: explainTargets(model, targets, forecasts) };
}

/**
 * Explanations of forecast targets: one XGBoost contributions call per model
 * unit (one for a pooled model), on exactly the inputs the forecast used.
 * Null where a target has no XGBoost score.
 */
export function explainTargets(
  model: LoadedModel,
  targets: readonly ScoreTarget[],
  forecasts: readonly TargetForecast[],
): (Explanation | null)[] {
  const out: (Explanation | null)[] = targets.map(() => null);
  const lib = model.xgbLib;
  if (!lib) return out;
  const featureNames = model.scaler.featureNames;
  const width = featureNames.length;
  const inputWidth = width + model.featureRanks.length;
  const byUnit = new Map<ModelUnit, number[]>();
  targets.forEach((target, i) => {
    const unit = model.unitFor(target.panel.symbol);
    if (unit?.xgb && forecasts[i].xgbInputs) byUnit.set(unit, [...(byUnit.get(unit) ?? []), i]);
  });
  for (const [unit, members] of byUnit) {
    const inputs = new Float32Array(members.length * inputWidth);
    members.forEach((t, i) => inputs.set(forecasts[t].xgbInputs as Float32Array, i * inputWidth));
    const contributions = rowContributions(
      lib,
      unit.xgb as NonNullable<ModelUnit['xgb']>,
      inputs,
      members.length,
      inputWidth,
    );
    members.forEach((t, i) => {
      const { panel, row } = targets[t];
      out[t] = explainRow(
        featureNames,
        model.featureRanks,
        inputs.subarray(i * inputWidth, (i + 1) * inputWidth),
        panel.features.values.subarray(row * width, (row + 1) * width),
        contributions.subarray(i * (inputWidth + 1), (i + 1) * (inputWidth + 1)),
      );
    });
  }
  return out;
}
