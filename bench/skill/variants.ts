import type { TrainSettings } from '../../src/config.ts';
import type { ModelKind } from '../../src/training/fit.ts';

/**
 * The configurations the skill bench can compare, by name: a change to train's
 * settings, and optionally the models fitted (an LSTM-only variant costs a
 * fraction of a full one and is compared component to component). Variants
 * that differ only in `head` share their fits (the head is fitted again on the
 * same component scores).
 */
export interface Variant {
  settings: (base: TrainSettings) => TrainSettings;
  models?: ModelKind[];
}

/** The LSTM's inputs in the manner of Qlib's Alpha360: a bar's own shape, its return and volume. */
const BAR_SHAPE = [
  'ret_1',
  'candle_body',
  'candle_upper',
  'candle_lower',
  'volume_ratio_20',
  'mkt_ret_1',
];

/** XGBoost fitted alone, with these of its settings changed. */
function xgbAlone(change: Partial<TrainSettings['xgb']>): Variant {
  return { settings: (base) => ({ ...base, xgb: { ...base.xgb, ...change } }), models: ['xgb'] };
}

/** The LSTM fitted alone, with these of its settings changed. */
function lstmAlone(change: Partial<TrainSettings['lstm']>): Variant {
  return {
    settings: (base) => ({ ...base, lstm: { ...base.lstm, ...change } }),
    models: ['lstm'],
  };
}

export const VARIANTS: Record<string, Variant> = {
  /** The default configuration. */
  default: { settings: (base) => base },
  /** The head's 'select' rule: the best component on validation unless a blend beats it. */
  select: { settings: (base) => ({ ...base, head: 'select' }) },
  /** The head blends every component with skill, weighed on earlier folds' test rows. */
  blend: { settings: (base) => ({ ...base, head: 'blend' }) },
  /** The same blend with a fifth of the weight spread equally instead of half. */
  'blend-shrink20': { settings: (base) => ({ ...base, head: 'blend', blendShrink: 0.2 }) },
  /** XGBoost on every row and column at twice the learning rate: the default since the bench. */
  'xgb-whole-fast': {
    settings: (base) => ({
      ...base,
      xgb: { ...base.xgb, subsample: 1, colsample_bytree: 1, eta: 0.1, earlyStoppingRounds: 30 },
    }),
  },
  /** XGBoost as it was before: 0.8 of the rows and columns drawn per tree, eta 0.05. */
  'xgb-sampled': {
    settings: (base) => ({
      ...base,
      xgb: {
        ...base.xgb,
        subsample: 0.8,
        colsample_bytree: 0.8,
        eta: 0.05,
        earlyStoppingRounds: 50,
      },
    }),
  },
  /** The LSTM alone, its epoch chosen by the validation samples' daily Rank IC, not their loss. */
  'lstm-stop-ic': lstmAlone({ stopOn: 'rankIc' }),
  /** XGBoost alone, as configured (the reference for the XGBoost-only variants below). */
  'xgb-only': xgbAlone({}),
  /** XGBoost alone, its histogram bins placed on every training row (before binRows). */
  'xgb-exact-bins': xgbAlone({ binRows: 0 }),
  /** XGBoost alone, each tree grown on half the training rows, drawn by the seed. */
  'xgb-sub50': xgbAlone({ subsample: 0.5 }),
  /** XGBoost alone, two trees a round, each on half the rows (a small forest per round). */
  'xgb-forest2': xgbAlone({ subsample: 0.5, num_parallel_tree: 2 }),
  /** XGBoost alone, three boosters averaged, each with its own bin placement. */
  'xgb-bag3': xgbAlone({ bag: 3 }),
  /** XGBoost alone, three boosters averaged, each tree on half the rows. */
  'xgb-bag3-sub50': xgbAlone({ bag: 3, subsample: 0.5 }),
  /** XGBoost alone, learning to order each date's rows (pairwise, a query group per date). */
  'xgb-rank': xgbAlone({ objective: 'rank:pairwise' }),
  /** The LSTM alone, as configured (the reference for the LSTM variants below). */
  'lstm-only': lstmAlone({}),
  /** The LSTM alone on 60 sessions of bar shape, return and volume. */
  'lstm-bars60': lstmAlone({ features: BAR_SHAPE, timesteps: 60 }),
  /** The default with XGBoost's trees two levels deeper (max_depth 6). */
  'xgb-depth6': { settings: (base) => ({ ...base, xgb: { ...base.xgb, max_depth: 6 } }) },
  /** The default, each fit on the last ten years of sessions before its test (2,520). */
  'window-10y': { settings: (base) => ({ ...base, trainSessions: 2520 }) },
  /** The default, each fit on the last five years of sessions before its test (1,260). */
  'window-5y': { settings: (base) => ({ ...base, trainSessions: 1260 }) },
  /** The LSTM alone, stopped after one epoch without a lower validation loss instead of two. */
  'lstm-patience1': lstmAlone({ patience: 1 }),
  /** The LSTM alone on three times the training sequences. */
  'lstm-36k': lstmAlone({ maxSamples: 36000 }),
  /** The default with the LSTM on three times the training sequences. */
  lstm36k: { settings: (base) => ({ ...base, lstm: { ...base.lstm, maxSamples: 36000 } }) },
  /** The same fits, the head blending every component with skill. */
  'lstm36k-blend': {
    settings: (base) => ({ ...base, head: 'blend', lstm: { ...base.lstm, maxSamples: 36000 } }),
  },
};

/**
 * What decides the fits (everything but the head and its blend). A setting added after runs
 * were kept is left out at the value that fits as before it existed, so those runs still count.
 */
export function fitKey(name: string, base: TrainSettings): string {
  const variant = VARIANTS[name];
  const { trainSessions, lstm, ...rest } = variant.settings(base);
  const { stopOn, ...lstmRest } = lstm;
  const settings = {
    ...rest,
    ...(trainSessions !== 0 ? { trainSessions } : {}),
    lstm: stopOn !== 'loss' ? lstm : lstmRest,
    head: null,
    blendShrink: null,
  };
  return JSON.stringify(variant.models ? { ...settings, models: variant.models } : settings);
}
