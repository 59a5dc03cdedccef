import type { TrainSettings } from '../../src/config.ts';
import { fitHeads, headRows } from '../../src/training/ensemble.ts';
import type { FoldOutcome } from '../../src/training/fold-fit.ts';
import type { ComponentScores } from '../../src/training/head.ts';
import type { Dataset } from '../../src/training/panel.ts';

/**
 * Outcomes fitted with every validation row scored, as a variant with
 * `settings.headRows` would have fitted them: its heads fitted again on the
 * rows `headRows` keeps (the component models do not depend on those rows).
 */
export function withHeadRows(
  data: Dataset,
  outcomes: readonly (FoldOutcome | null)[],
  settings: TrainSettings,
): (FoldOutcome | null)[] {
  return outcomes.map((outcome) => {
    if (!outcome) return outcome;
    const all = outcome.validation.rows;
    const rows = headRows(data, all, settings.headRows);
    if (rows.length === all.length) return outcome;
    const keep = new Set(rows);
    const positions = Int32Array.from(all.keys()).filter((i) => keep.has(all[i]));
    const scores: ComponentScores = {};
    for (const [name, values] of Object.entries(outcome.validation.scores)) {
      if (values)
        scores[name as keyof ComponentScores] = Float64Array.from(positions, (i) => values[i]);
    }
    const validation = { rows, scores };
    const heads = fitHeads(data, outcome.heads.base, validation, { weighting: settings.head });
    return { ...outcome, heads, validation };
  });
}
