import type { TrainSettings } from '../config.ts';
import type { XGBoostLib } from '../models/xgboost/index.ts';
import type { LstmModel } from '../models/lstm/index.ts';
import type { Dataset } from '../dataset/panel.ts';
import type { Scaler } from '../dataset/scaler.ts';
import type { ModelKind, ModelUnit } from '../inference/score-components.ts';

/** What a fit of the component models takes and gives (fit.ts fits them; fit-lstm.ts the LSTM). */

// The component models are named where they are scored (inference/); fitting names them the same.
export type { ModelKind };

/** What training reports as it goes; the CLI draws it, tests ignore it. */
export type TrainEvent =
  | { kind: 'xgb-round'; round: number; rounds: number }
  | { kind: 'lstm-epoch'; epoch: number; epochs: number; loss: number; valLoss: number | null };

export interface FitInput {
  data: Dataset;
  /**
   * Moments from training rows. XGBoost sees the features scaled per symbol; the
   * LSTM sees them scaled with the pooled (all-symbol) moments, so a sequence keeps
   * the levels that tell one stock from another on the same day. Both are computed
   * row by row as a model reads them, never as a whole scaled copy of the dataset.
   */
  scaler: Scaler;
  trainRows: Int32Array;
  validRows: Int32Array;
  models: readonly ModelKind[];
  settings: TrainSettings;
  seed: number;
  xgbLib: XGBoostLib | null;
  /** XGBoost's threads, in place of settings.xgb.nthread (its trees do not depend on it). */
  xgbThreads?: number;
  /**
   * Fit XGBoost on a thread of its own while this thread fits the LSTM (a replay's
   * retrains, and the walk-forward's last fold); the models are the same either way.
   */
  xgbBeside?: boolean;
  onEvent?: (event: TrainEvent) => void;
  /**
   * Called once the LSTM is fitted, before this thread waits for XGBoost on its
   * own thread (xgbBeside): work that needs the LSTM alone, such as scoring the
   * validation rows, runs here while XGBoost is still fitting.
   */
  onLstmFitted?: (unit: Pick<ModelUnit, 'lstm' | 'lstmTargetScale'>) => void;
  /** Start the LSTM from this model's weights (a replay's previous monthly fit) when shapes match. */
  lstmWarmStart?: LstmModel;
}

/** One unit's component models (the pooled model, or one symbol's), as fitted. */
export interface FittedModels extends ModelUnit {
  xgbLib: XGBoostLib | null;
  info: {
    xgb?: {
      rounds_run: number;
      best_iteration: number;
      stopped_early: boolean;
      members?: number[];
    };
    lstm?: {
      warm_start: boolean;
      epochs_run: number;
      best_epoch: number;
      samples: number;
      samples_per_second: number;
      backend: string;
    };
  };
  free(): void;
}
