import type { LoadedModel, ModelUnit } from '../registry/loaded-model.ts';
import { predictXgb } from '../training/fit.ts';
import type { SymbolPanel } from '../training/panel.ts';
import { scaleInto } from '../training/scaler.ts';

/**
 * The model components (log returns over the horizon) for one row of each
 * symbol, batched: one XGBoost call and one LSTM call per model unit (one for
 * a pooled model, one per symbol for --per-symbol).
 */
export function scoreSymbols(
  model: LoadedModel,
  targets: readonly { panel: SymbolPanel; row: number }[],
): { xgb?: number; lstm?: number }[] {
  const scores: { xgb?: number; lstm?: number }[] = targets.map(() => ({}));
  const byUnit = new Map<ModelUnit, number[]>();
  targets.forEach((target, i) => {
    const unit = model.unitFor(target.panel.symbol);
    if (unit) byUnit.set(unit, [...(byUnit.get(unit) ?? []), i]);
  });
  const names = model.scaler.featureNames;
  const width = names.length;
  for (const [unit, members] of byUnit) {
    if (unit.xgb && model.xgbLib) {
      const values = new Float32Array(members.length * width);
      members.forEach((t, i) => {
        const { panel, row } = targets[t];
        scaleInto(
          model.scaler,
          panel.symbol,
          panel.features.values.subarray(row * width, (row + 1) * width),
          values,
          i * width,
        );
      });
      predictXgb(model.xgbLib, unit.xgb, values, members.length, width).forEach(
        (value, i) => (scores[members[i]].xgb = value),
      );
    }
    if (unit.lstm) {
      const steps = model.lstmTimesteps;
      const columns = model.lstmFeatures.map((name) => names.indexOf(name));
      const scaledRow = new Float32Array(width);
      const x = new Float32Array(members.length * steps * columns.length);
      let at = 0;
      for (const t of members) {
        const { panel, row } = targets[t];
        for (let bar = row - steps + 1; bar <= row; bar++) {
          scaleInto(
            model.scaler,
            panel.symbol,
            panel.features.values.subarray(bar * width, (bar + 1) * width),
            scaledRow,
          );
          for (const c of columns) x[at++] = scaledRow[c];
        }
      }
      unit.lstm
        .predict(x, members.length)
        .forEach((value, i) => (scores[members[i]].lstm = value * unit.lstmTargetScale));
    }
  }
  return scores;
}
