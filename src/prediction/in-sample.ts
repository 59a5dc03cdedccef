import { UsageError } from '../errors.ts';

/**
 * A prediction is in-sample when its outcome was part of the model's
 * training data: its target session is on or before the last bar the model
 * was trained on (manifest data_range.until). Scoring it would report what
 * the model memorised as if it had foreseen it.
 */
export function inSampleTargets(
  targets: readonly { panel: { symbol: string }; targetDate: string }[],
  trainedUntil: string,
): Set<string> {
  return new Set(targets.filter((t) => t.targetDate <= trainedUntil).map((t) => t.panel.symbol));
}

export function inSampleError(
  targets: readonly { panel: { symbol: string }; targetDate: string }[],
  inSample: ReadonlySet<string>,
  modelName: string,
  version: string,
  trainedUntil: string,
): UsageError {
  const first = targets.find((t) => inSample.has(t.panel.symbol)) as (typeof targets)[number];
  const symbols = [...inSample].sort();
  const shown = symbols.length > 5 ? `${symbols.slice(0, 5).join(', ')}, …` : symbols.join(', ');
  return new UsageError(
    `refusing an in-sample prediction: the outcome of ${symbols.length} symbol(s) (${shown}; target session ${first.targetDate}) ` +
      `is inside the training data of model ${modelName}/${version}, which ends ${trainedUntil}; ` +
      'verify and report would count what the model learned as a live hit',
    'to test the past honestly use mlx backtest --from D --to D, or predict with a model trained up to an ' +
      'earlier date (mlx train --until D --name NAME, then mlx predict --model NAME); ' +
      '--allow-in-sample records it anyway, marked in_sample: true, and mlx report keeps those apart',
  );
}
