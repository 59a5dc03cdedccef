import type { ArmComparison } from '../evaluation/paired.ts';
import type { Metrics } from '../evaluation/metrics.ts';

export interface BacktestOptions {
  from: string;
  to: string;
  retrain: 'monthly' | 'quarterly';
  verifyEvery: 'weekly' | 'daily';
  adapt: boolean;
  compare: boolean;
  symbols?: string[];
  /** Where the replay writes (its own models and ledgers); default <home>/backtests/<from>_<to>. */
  out?: string;
  /** Replace a replay folder already there (a killed backtest's, or an old result). */
  force?: boolean;
  onProgress?: (done: number, total: number, session: string) => void;
}

export type ArmName = 'adaptive' | 'static';

export interface BacktestResult {
  schema: 'mlx.backtest/1';
  out: string;
  from: string;
  to: string;
  sessions: number;
  retrains: string[];
  /** Every arm's ensemble and every baseline, scored on the same verified predictions. */
  arms: Partial<
    Record<ArmName, { predictions: number; verified: number; metrics: Record<string, Metrics> }>
  >;
  /** With --compare: adaptive against static on the same predictions, with paired tests. */
  comparison?: ArmComparison;
  verdict?: string[];
  seconds: number;
}
