import fs from 'node:fs';
import { calendarFor } from '../calendar/index.ts';
import { withDefaults, type Context } from '../context.ts';
import { ExitCode, type ExitCodeValue } from '../errors.ts';
import { marketRegimeAt, ruleSignalsAt } from '../features/index.ts';
import { topFeatures } from '../explain/contributions.ts';
import { forecastAndExplain } from '../explain/targets.ts';
import type { Prediction } from '../ledger/records.ts';
import { buildPrediction } from '../prediction/record.ts';
import { loadModel, type LoadedModel } from '../registry/loaded-model.ts';
import type { PriceStore } from '../store/price-store.ts';
import {
  loadPanel,
  predictionHistoryStart,
  type Panel,
  type SymbolPanel,
} from '../dataset/panel.ts';
import { fetchIntoStore } from '../sources/fetch.ts';
import {
  appendNew,
  refuseNonFinite,
  type AlreadyRecorded,
  type PredictFailure,
  type PredictTarget,
} from '../prediction/append.ts';

export type { AlreadyRecorded, PredictFailure, PredictTarget } from '../prediction/append.ts';
import { inSampleError, inSampleTargets } from '../prediction/in-sample.ts';
import { assertSomeBarOn, missingBarReason, onSessionCalendars } from '../prediction/as-of.ts';
import { assertHomeExists, noStoreError } from '../home-access.ts';
import { resolveUniverse } from '../universe.ts';
import { Home } from '../home-files/home.ts';

export interface PredictOptions {
  symbols?: string[];
  universeFile?: string;
  /** Predict this past session using only data up to it (implies no fetch). */
  asOf?: string;
  fetch: boolean;
  allowStale: boolean;
  /** Record predictions whose outcome the model trained on, marked in_sample (default: refuse). */
  allowInSample?: boolean;
  modelName?: string;
  /** That model's version (default: its promoted one). */
  modelVersion?: string;
  /**
   * Replace a stock's prediction for a session that already has one (made by
   * another model version) by appending a record that supersedes it.
   */
  replace?: boolean;
  fetchImpl?: typeof fetch;
}

/**
 * What a replay hands predict so it need not load them per session: the
 * model, and the universe's feature panel up to the last replayed session.
 * Row t of the panel uses bars up to t only, so predicting a session from it
 * is the same as from data truncated there.
 */
export interface PredictReuse {
  model: LoadedModel;
  panel: Panel;
}

export interface PredictResult {
  /** Records appended by this run (the ledger's new lines). */
  appended: Prediction[];
  /** Predictions this run computed that the ledger already held (a rerun for the same session). */
  already_recorded: number;
  /** For each of them, the record already in the ledger and the model version that made it. */
  already: AlreadyRecorded[];
  failures: PredictFailure[];
  model: { name: string; version: string };
  exit_code: ExitCodeValue;
}

/**
 * `mlx predict`: every symbol of the universe for its last closed session,
 * appended to the ledger exactly once (stable ids), after all are computed.
 * `reuse` (demo, backtest) brings a model and a feature panel kept across sessions.
 */
export async function predict(
  ctx: Context,
  options: PredictOptions,
  reuse?: PredictReuse,
): Promise<PredictResult> {
  // Fail before touching anything: no home, no model or no store leaves the disk as it was.
  assertHomeExists(ctx);
  const { modelName } = withDefaults(ctx.config, options);
  const models = Home.of(ctx).models;
  if (!reuse) {
    if (options.modelVersion) models.get(modelName, options.modelVersion);
    else models.current(modelName);
  }
  if (!fs.existsSync(ctx.home.db)) throw noStoreError(ctx);
  return Home.of(ctx).withWriteLock(ctx, 'predict', async (access) => {
    const store = access.openExistingStore();
    try {
      return await predictLocked(ctx, store, { ...options, modelName }, reuse);
    } finally {
      store.close();
    }
  });
}

async function predictLocked(
  ctx: Context,
  store: PriceStore,
  options: PredictOptions & { modelName: string },
  reuse?: PredictReuse,
): Promise<PredictResult> {
  const name = options.modelName;
  const model =
    reuse?.model ??
    (await loadModel(Home.of(ctx).models, name, ctx.config.regime, options.modelVersion));
  try {
    const manifest = model.version.manifest;
    const universe = resolveUniverse(ctx, store, {
      symbols: options.symbols,
      universeFile: options.universeFile,
      keepStored: (s) => manifest.symbols.includes(s),
    });
    const failures: PredictFailure[] = [];

    if (options.fetch && !options.asOf) {
      const fetched = await fetchIntoStore(ctx, store, {
        symbols: universe.filter((s) => !store.symbolInfo(s)?.synthetic),
        source: 'yahoo',
        fetchImpl: options.fetchImpl,
      });
      for (const failure of fetched.failures)
        ctx.log.warn(`${failure.symbol}: data not refreshed: ${failure.error}`);
    }

    const stored = universe.filter((symbol) => {
      if (store.symbolInfo(symbol)) return true;
      failures.push({
        symbol,
        reason: 'unknown symbol: not in the store (mlx data fetch or import it)',
      });
      return false;
    });
    const known = options.asOf
      ? onSessionCalendars(store, stored, options.asOf, ctx.now(), failures)
      : stored;
    if (options.asOf) assertSomeBarOn(store, known, options.asOf);
    // The whole model universe is scored: excess and rank are measured against it.
    const scored = [...new Set([...known, ...manifest.symbols])].filter((s) => store.symbolInfo(s));
    const panel =
      reuse?.panel ?? predictionPanel(ctx, store, scored, options.asOf, manifest.symbols);
    const weights = store.weights.bySymbol();
    const createdAt = ctx.now().toISOString();
    const targets = predictableTargets(ctx, store, {
      model,
      name,
      panel,
      known,
      options,
      failures,
    });

    const inSample = inSampleTargets(targets, manifest.data_range.until);
    if (inSample.size > 0 && !options.allowInSample)
      throw inSampleError(
        targets,
        inSample,
        name,
        model.version.version,
        manifest.data_range.until,
      );

    const { forecasts, explanations } = forecastAndExplain(
      model,
      panel,
      targets,
      weights,
      ctx.config,
    );
    const finite = refuseNonFinite(model, targets, forecasts, failures);
    const records = finite.map((i) => {
      const target = targets[i];
      const regime = marketRegimeAt(target.panel.features, target.row);
      return buildPrediction({
        symbol: target.panel.symbol,
        asOf: target.panel.features.dates[target.row],
        createdAt,
        horizonDays: model.horizonDays,
        targetDate: target.targetDate,
        close: target.panel.series.rawClose[target.row],
        // Adjustment is anchored at the last bar a prediction uses, which is as_of itself.
        adjFactor: 1,
        forecast: forecasts[i],
        drift: model.head.drift,
        rules: ruleSignalsAt(target.panel.features, target.row, regime, ctx.config.signalWeights),
        regime,
        model: { name, version: model.version.version, featureSet: manifest.feature_set.id },
        explain: explanations[i] ? topFeatures(explanations[i]) : undefined,
      });
    });

    for (const record of records) if (inSample.has(record.symbol)) record.in_sample = true;

    const { appended, already } = appendNew(ctx, store, records, options.replace ?? false);

    return {
      appended,
      already_recorded: already.length,
      already,
      failures,
      model: { name, version: model.version.version },
      exit_code:
        failures.length === 0
          ? ExitCode.ok
          : records.length > 0
            ? ExitCode.partial
            : ExitCode.failure,
    };
  } finally {
    if (!reuse) model.free();
  }
}

/** The universe's features for predictions as of `asOf` (else each symbol's last bar), from the years predictionHistoryStart keeps. */
function predictionPanel(
  ctx: Context,
  store: PriceStore,
  scored: readonly string[],
  asOf: string | undefined,
  contextSymbols: readonly string[],
): Panel {
  const latest =
    asOf ??
    scored.reduce<string | null>((last, symbol) => {
      const date = store.lastBarDate(symbol);
      return date !== null && (last === null || date > last) ? date : last;
    }, null);
  const from = latest ? predictionHistoryStart(latest) : undefined;
  return loadPanel(store, scored, asOf, ctx.config, contextSymbols, from);
}

/** The symbols that can be predicted, with their row and target; the others join `failures`. */
function predictableTargets(
  ctx: Context,
  store: PriceStore,
  input: {
    model: LoadedModel;
    name: string;
    panel: Panel;
    known: readonly string[];
    options: PredictOptions;
    failures: PredictFailure[];
  },
): PredictTarget[] {
  const { model, name, panel, options } = input;
  const targets: PredictTarget[] = [];
  for (const symbol of input.known) {
    const entry = panel.symbols.find((p) => p.symbol === symbol);
    const problem = !model.unitFor(symbol)
      ? `the per-symbol model ${name}/${model.version.version} has no model for ${symbol} (too little history when it was trained)`
      : entry
        ? checkPredictable(
            ctx,
            store,
            entry,
            options,
            model.horizonDays,
            model.lstmFeatures.length > 0 ? model.lstmTimesteps : 1,
          )
        : `no bars on or before ${options.asOf}`;
    if (typeof problem === 'string') input.failures.push({ symbol, reason: problem });
    else targets.push({ panel: entry as SymbolPanel, ...problem });
  }
  return targets;
}

/** The row to predict and its target date, or why this symbol cannot be predicted now. */
function checkPredictable(
  ctx: Context,
  store: PriceStore,
  entry: SymbolPanel,
  options: PredictOptions,
  horizonDays: number,
  lstmTimesteps: number,
): { row: number; targetDate: string } | string {
  const info = store.symbolInfo(entry.symbol);
  if (!info) return 'unknown symbol';
  const calendar = calendarFor(info.exchange, info.timezone);
  const dates = entry.features.dates;
  let row = dates.length - 1;
  if (options.asOf) while (row >= 0 && dates[row] > options.asOf) row--;
  const lastBar = row >= 0 ? dates[row] : null;
  if (options.asOf) {
    // The session asked for, or nothing: never the bar before it under its date.
    if (lastBar !== options.asOf) {
      const next = store.bars(entry.symbol, { from: options.asOf })[0]?.date ?? null;
      return missingBarReason(entry.symbol, options.asOf, lastBar, next);
    }
  } else {
    if (lastBar === null) return 'no bars on or before today';
    const lastClosed = calendar.lastClosedSession(ctx.now());
    const behind = calendar.countSessions(lastBar, lastClosed);
    if (behind > ctx.config.staleSessions && !options.allowStale) {
      return `stale data: last bar ${lastBar} is ${behind} sessions behind ${lastClosed} (limit ${ctx.config.staleSessions}; refresh with mlx data fetch, or pass --allow-stale)`;
    }
  }
  if (!entry.features.valid[row])
    return `not enough history on ${lastBar}: features still warming up`;
  for (let t = row - lstmTimesteps + 1; t < row; t++) {
    if (t < 0 || !entry.features.valid[t])
      return `not enough history on ${lastBar} for the LSTM's ${lstmTimesteps}-session window`;
  }
  return { row, targetDate: calendar.addSessions(lastBar, horizonDays) };
}
