import type { TrainSettings } from '../../src/config.ts';

/**
 * The configurations the skill bench can compare, by name: each a change to
 * train's settings. Variants that differ only in `head` share their fits (the
 * head is fitted again on the same component scores).
 */
export const VARIANTS: Record<string, (base: TrainSettings) => TrainSettings> = {
  /** The default configuration. */
  default: (base) => base,
  /** The head's 'select' rule: the best component on validation unless a blend beats it. */
  select: (base) => ({ ...base, head: 'select' }),
  /** The head blends every component with skill, weighed on earlier folds' test rows. */
  blend: (base) => ({ ...base, head: 'blend' }),
  /** XGBoost on every row and column (no subsampling draw). */
  'xgb-whole': (base) => ({
    ...base,
    xgb: { ...base.xgb, subsample: 1, colsample_bytree: 1 },
  }),
};

/** The settings that decide the fits (everything but the head). */
export function fitKey(settings: TrainSettings): string {
  return JSON.stringify({ ...settings, head: null });
}
