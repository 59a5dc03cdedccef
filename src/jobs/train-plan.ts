import type { TrainSettings } from '../config.ts';
import type { XGBoostLib } from '../models/xgboost/index.ts';
import type { LstmModel } from '../models/lstm/index.ts';
import type { FittedEnsemble } from '../training/ensemble.ts';
import type { ModelKind, TrainEvent } from '../training/fit.ts';
import type { Dataset, Panel } from '../dataset/panel.ts';
import type { Scaler } from '../dataset/scaler.ts';
import type { CutMemory } from '../dataset/dataset-until.ts';
import type { FoldReport, WalkForwardResult } from '../training/walk-forward.ts';

export interface TrainOptions {
  symbols?: string[];
  universeFile?: string;
  until?: string;
  horizonDays?: number;
  /** Models asked for explicitly (--models); a missing library is then an error, not a warning. */
  models?: ModelKind[];
  name?: string;
  seed?: number;
  promote: 'auto' | 'always' | 'never';
  /** One model per symbol instead of one pooled model. */
  perSymbol?: boolean;
  /** False skips the walk-forward evaluation (backtest retrains, which are scored by the replay). */
  walkForward?: boolean;
  /**
   * Features already computed (a replay computes them once, up to its last
   * session): only rows up to `until`, and labels whose horizon ends by then, are used.
   */
  panel?: Panel;
  /** That panel's dataset, built once by the replay: each retrain takes its cut (datasetUntil). */
  panelDataset?: Dataset;
  /** Where each cut of panelDataset is written, over the last (see CutMemory). */
  cutMemory?: CutMemory;
  /** Start the LSTM from this model's weights (a replay's previous monthly fit). */
  lstmWarmStart?: LstmModel;
  /** Threads fitting at once (walk-forward folds and the final fit); default: one per core. */
  jobs?: number;
  onEvent?: (event: TrainEvent) => void;
  /** A walk-forward fold was fitted (folds finish in any order when fitted side by side). */
  onFoldFitted?: (test: { from: string; to: string }, done: number, of: number) => void;
  onFold?: (fold: FoldReport, of: number) => void;
}

export interface TrainResult {
  name: string;
  version: string;
  dir: string;
  promoted: boolean;
  promotion_reason: string;
  symbols: number;
  data_range: { from: string; until: string };
  training_rows: number;
  models: ModelKind[];
  walk_forward: WalkForwardResult;
  verdicts: string[];
  warnings: string[];
  seconds: number;
}

/** What every phase of a training run shares. */
export interface TrainPlan {
  horizonDays: number;
  seed: number;
  models: ModelKind[];
  xgbLib: XGBoostLib | null;
  settings: TrainSettings;
  warn: (message: string) => void;
  /** Threads fitting at once (see FoldRun). */
  jobs: number;
}

export interface FinalFit {
  fitted: FittedEnsemble;
  scaler: Scaler;
  trainRows: number;
}
