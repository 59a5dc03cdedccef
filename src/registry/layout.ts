import path from 'node:path';
import { WEIGHTS_FILE } from '../models/lstm/files.ts';
import { POOLED_UNIT } from '../training/ensemble.ts';

/**
 * The layout of a model version's folder, spelled here only: each fitted unit
 * (the pooled model, or one per symbol under `per_symbol/`) holds its
 * XGBoost booster as `xgb.json` and its LSTM in `lstm/`.
 */
export const BOOSTER_FILE = 'xgb.json';
const LSTM_DIR = 'lstm';
const PER_SYMBOL_DIR = 'per_symbol';

/** The folder of one fitted unit of a version: the version's own for the pooled model. */
export function unitDir(versionDir: string, unit: string): string {
  return unit === POOLED_UNIT ? versionDir : path.join(versionDir, PER_SYMBOL_DIR, unit);
}

/** The folder of the unit that predicts `symbol` (per-symbol versions have one each). */
export function unitDirFor(versionDir: string, perSymbol: boolean, symbol: string): string {
  return perSymbol ? path.join(versionDir, PER_SYMBOL_DIR, symbol) : versionDir;
}

export function boosterFile(unitFolder: string): string {
  return path.join(unitFolder, BOOSTER_FILE);
}

export function lstmDir(unitFolder: string): string {
  return path.join(unitFolder, LSTM_DIR);
}

export function lstmWeightsFile(unitFolder: string): string {
  return path.join(lstmDir(unitFolder), WEIGHTS_FILE);
}
