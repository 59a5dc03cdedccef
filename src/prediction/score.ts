import type { LoadedModel } from '../registry/loaded-model.ts';
import { predictXgb } from '../training/fit.ts';
import type { SymbolPanel } from '../training/panel.ts';
import { scaleInto } from '../training/scaler.ts';

/**
 * The model components (log returns over the horizon) for one row of each
 * symbol, batched: one XGBoost call and one LSTM call for all of them.
 */
export function scoreSymbols(
  model: LoadedModel,
  targets: readonly { panel: SymbolPanel; row: number }[],
): { xgb?: number; lstm?: number }[] {
  const scores: { xgb?: number; lstm?: number }[] = targets.map(() => ({}));
  if (targets.length === 0) return scores;
  const names = model.scaler.featureNames;
  const width = names.length;
  if (model.xgb && model.xgbLib) {
    const values = new Float32Array(targets.length * width);
    targets.forEach(({ panel, row }, i) =>
      scaleInto(
        model.scaler,
        panel.symbol,
        panel.features.values.subarray(row * width, (row + 1) * width),
        values,
        i * width,
      ),
    );
    const predicted = predictXgb(model.xgbLib, model.xgb, values, targets.length, width);
    predicted.forEach((value, i) => (scores[i].xgb = value));
  }
  if (model.lstm) {
    const steps = model.lstmTimesteps;
    const columns = model.lstmFeatures.map((name) => names.indexOf(name));
    const scaledRow = new Float32Array(width);
    const x = new Float32Array(targets.length * steps * columns.length);
    let at = 0;
    for (const { panel, row } of targets) {
      for (let t = row - steps + 1; t <= row; t++) {
        scaleInto(
          model.scaler,
          panel.symbol,
          panel.features.values.subarray(t * width, (t + 1) * width),
          scaledRow,
        );
        for (const c of columns) x[at++] = scaledRow[c];
      }
    }
    const predicted = model.lstm.predict(x, targets.length);
    predicted.forEach((value, i) => (scores[i].lstm = value * model.lstmTargetScale));
  }
  return scores;
}
