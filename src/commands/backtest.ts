import type { Context } from '../context.ts';
import {
  backtest as replay,
  type BacktestOptions,
  type BacktestResult,
} from '../replay/backtest.ts';

export type { ArmName, BacktestOptions, BacktestResult } from '../replay/backtest.ts';

/**
 * `mlx backtest`: the live loop replayed over history in a folder of its
 * own, then scored (the replay is replay/backtest.ts).
 */
export function backtest(ctx: Context, options: BacktestOptions): Promise<BacktestResult> {
  return replay(ctx, options);
}
