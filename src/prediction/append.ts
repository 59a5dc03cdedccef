import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../context.ts';
import { Home } from '../home-files/home.ts';
import type { Prediction } from '../ledger/records.ts';
import { predictionKey, uniquePredictions } from '../ledger/views.ts';
import type { TargetForecast } from './score.ts';
import type { LoadedModel } from '../registry/loaded-model.ts';
import type { PriceStore } from '../store/price-store.ts';
import type { SymbolPanel } from '../dataset/panel.ts';
import { lstmWeightsFile, unitDirFor } from '../registry/layout.ts';

export interface PredictFailure {
  symbol: string;
  reason: string;
}

/** A symbol's row to predict, and the session its horizon ends on. */
export type PredictTarget = { panel: SymbolPanel; row: number; targetDate: string };

/** A prediction this run computed that the ledger held already, and the model version that made it. */
export interface AlreadyRecorded {
  symbol: string;
  as_of: string;
  id: string;
  model: { name: string; version: string };
}

/**
 * Append what the ledger does not hold yet: one prediction per stock, session
 * and horizon, whatever model version made the one already there (ids are
 * stable, so a rerun is a no-op); with `replace`, a record that supersedes
 * the earlier one. The home appends and indexes them.
 */
export function appendNew(
  ctx: Context,
  store: PriceStore,
  records: readonly Prediction[],
  replace: boolean,
): { appended: Prediction[]; already: AlreadyRecorded[] } {
  const home = Home.of(ctx);
  const ledger = home.ledgers.predictions;
  const months = [...new Set(records.map((r) => r.as_of.slice(0, 7)))];
  const held = new Map(
    uniquePredictions(ledger.read(months.map((m) => ledger.fileForMonth(m))).entries).entries.map(
      (e) => [predictionKey(e.record), e.record],
    ),
  );
  const appended: Prediction[] = [];
  const already: AlreadyRecorded[] = [];
  for (const record of records) {
    const existing = held.get(predictionKey(record));
    if (!existing) appended.push(record);
    else if (replace && existing.id !== record.id)
      appended.push({ ...record, supersedes: existing.id });
    else
      already.push({
        symbol: existing.symbol,
        as_of: existing.as_of,
        id: existing.id,
        model: { name: existing.model.name, version: existing.model.version },
      });
  }
  home.appendPredictions(store, appended, ctx.log);
  return { appended, already };
}

/**
 * The targets whose forecast is finite throughout, by index; any other is
 * refused, naming the component and the model files it came from, since a
 * NaN or infinite output is a damaged or degenerate model, never a prediction.
 */
export function refuseNonFinite(
  model: LoadedModel,
  targets: readonly PredictTarget[],
  forecasts: readonly TargetForecast[],
  failures: PredictFailure[],
): number[] {
  const kept: number[] = [];
  targets.forEach((target, i) => {
    const problem = nonFiniteOutput(forecasts[i]);
    if (!problem) {
      kept.push(i);
      return;
    }
    const symbol = target.panel.symbol;
    const where = problem.component
      ? ` (from ${componentFiles(model, symbol, problem.component)})`
      : '';
    failures.push({
      symbol,
      reason:
        `the model's output is not a finite number: ${problem.what} is ${problem.value}${where}; ` +
        `nothing recorded. Retrain (mlx train), or promote a version that works (mlx models promote ${model.version.name} VERSION); mlx doctor checks the model`,
    });
  });
  return kept;
}

const COMPONENT_NAMES = ['xgb', 'lstm', 'rules'] as const;

/** The first non-finite value of a forecast: a component's own output first, then what derives from it. */
function nonFiniteOutput(
  forecast: TargetForecast,
): { what: string; value: number; component?: (typeof COMPONENT_NAMES)[number] } | null {
  for (const part of ['raw', 'scaled', 'centred'] as const)
    for (const name of COMPONENT_NAMES) {
      const value = forecast[part][name];
      if (value !== undefined && !Number.isFinite(value))
        return { what: `the ${name} component`, value, component: name };
    }
  const scalars = [
    'score',
    'centredScore',
    'excess',
    'forecast',
    'probabilityUp',
    'probabilityOutperform',
    'low',
    'high',
    'volatility',
    'intervalScale',
    'rankPct',
  ] as const;
  for (const what of scalars)
    if (!Number.isFinite(forecast[what])) return { what, value: forecast[what] };
  return null;
}

/** The files a component of the unit that predicts `symbol` was loaded from (rules: the features). */
function componentFiles(model: LoadedModel, symbol: string, component: string): string {
  if (component === 'rules') return 'the rule signals on the stored bars';
  const { dir, manifest } = model.version;
  const unitDir = unitDirFor(dir, manifest.per_symbol, symbol);
  if (component === 'lstm') return lstmWeightsFile(unitDir);
  // However many booster files the version holds, name those there are.
  const boosters = fs.existsSync(unitDir)
    ? fs.readdirSync(unitDir).filter((f) => /^xgb.*\.json$/.test(f))
    : [];
  return boosters.length
    ? boosters.map((f) => path.join(unitDir, f)).join(', ')
    : `the XGBoost booster in ${unitDir}`;
}
