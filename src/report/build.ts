import type { Context } from '../context.ts';
import { assertRange, resolveSince } from '../calendar/since.ts';
import { dayNumberOf, formatDayNumber } from '../calendar/civil.ts';
import {
  ledgerWarnings,
  warnAboutLedgers,
  type LedgerView,
  type LedgerWarnings,
} from '../ledger/reader.ts';
import { latestVerifications } from '../ledger/views.ts';
import type { Outcome } from './accuracy.ts';
import {
  assembleReport,
  selectReport,
  selectWindow,
  type LedgerRecords,
  type Report,
  type ReportOptions,
  type WindowedOutcomes,
} from './document.ts';
import { IC_HORIZONS } from './signal.ts';
import type { PriceStore } from '../store/price-store.ts';
import { assertHomeExists } from '../home-access.ts';
import { Home } from '../home-files/home.ts';

/** The report of a home (`mlx report`, the demo): accuracy from the ledgers (the truth), weights from the store. */
export async function buildReport(
  ctx: Context,
  options: ReportOptions,
): Promise<Report & { ledger: LedgerWarnings }> {
  const since = resolveSince(options.since, ctx.now()) ?? null;
  assertRange({ flag: '--since', date: since }, { flag: '--until', date: options.until });
  assertHomeExists(ctx);
  const view = Home.of(ctx).readView();
  // Every line left out is said, with the count in --json: no figure changes silently.
  warnAboutLedgers(ctx.log, view);
  const selection = selectReport(recordsOf(view), { ...options, since }, ctx.now());
  const report = await Home.of(ctx).usingReadStore((store) =>
    assembleReport(
      selection,
      {
        ...(store
          ? barFigures(store, selection.selected.outcomes)
          : { lastReturns: new Map<string, number>() }),
        weights: store ? store.weights.rows() : [],
        history: store && options.symbol ? store.weights.history(options.symbol) : [],
        weightBounds: { floor: ctx.config.adaptation.floor, cap: ctx.config.adaptation.cap },
      },
      options,
      ctx.now(),
    ),
  );
  return { ...report, ledger: ledgerWarnings(view) };
}

/** Both ledgers as readers see them: one prediction per stock and session, its latest verification. */
function recordsOf(view: LedgerView): LedgerRecords {
  return {
    predictions: view.predictions.entries.map((e) => e.record),
    verifications: latestVerifications(view.verifications),
  };
}

/**
 * Predictions in a window of target dates, joined with their verifications
 * (from the ledgers): each prediction id once, with its latest verification.
 * In-sample predictions are counted apart.
 */
export function loadOutcomes(
  ctx: Context,
  window: { since?: string | null; until?: string; symbol?: string },
): WindowedOutcomes {
  return selectWindow(recordsOf(Home.of(ctx).readView()), window);
}

/** Yesterday's log return at each prediction's as_of (the momentum baseline), from the stored bars. */
export function lastReturnsFor(
  store: PriceStore,
  outcomes: readonly Outcome[],
): Map<string, number> {
  return barFigures(store, outcomes).lastReturns;
}

/**
 * What the report reads from the stored bars, one symbol at a time: yesterday's
 * log return at each prediction's as_of (the momentum baseline), the simple
 * return over each horizon from as_of (Rank IC by horizon), and the sectors.
 */
export function barFigures(
  store: PriceStore,
  outcomes: readonly Outcome[],
): {
  lastReturns: Map<string, number>;
  forward: Map<string, Map<number, number>>;
  sectors: Map<string, string>;
} {
  const lastReturns = new Map<string, number>();
  const forward = new Map<string, Map<number, number>>();
  const sectors = new Map<string, string>();
  const bySymbol = new Map<string, Outcome[]>();
  for (const o of outcomes) {
    const list = bySymbol.get(o.prediction.symbol);
    if (list) list.push(o);
    else bySymbol.set(o.prediction.symbol, [o]);
  }
  for (const [symbol, mine] of bySymbol) {
    const info = store.symbolInfo(symbol);
    if (!info) continue;
    if (info.sector) sectors.set(symbol, info.sector);
    // From the bar before the earliest as_of: adjustment walks back from the last bar,
    // so these bars come out exactly as in the whole history, which is not read.
    const earliest = mine.reduce(
      (a, o) => (o.prediction.as_of < a ? o.prediction.as_of : a),
      mine[0].prediction.as_of,
    );
    const before = store.lastBarDate(symbol, formatDayNumber(dayNumberOf(earliest) - 1));
    const series = store.adjusted(symbol, before ? { from: before } : {});
    const index = new Map(series.dates.map((d, i) => [d, i]));
    for (const o of mine) {
      const i = index.get(o.prediction.as_of);
      if (i === undefined) continue;
      if (i > 0) lastReturns.set(o.prediction.id, Math.log(series.close[i] / series.close[i - 1]));
      const ahead = new Map<number, number>();
      for (const h of IC_HORIZONS)
        if (i + h < series.close.length) ahead.set(h, series.close[i + h] / series.close[i] - 1);
      forward.set(o.prediction.id, ahead);
    }
  }
  return { lastReturns, forward, sectors };
}
