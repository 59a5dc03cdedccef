import type { AdjustedSeries, StoredBar } from './types.ts';

/**
 * Adjust raw bars for splits and dividends (pure).
 *
 * Anchored at the last bar (factor 1), walking back. Between two consecutive
 * bars written by the same download that both carry the source's adjusted
 * close, the source's own ratio is used, so the result agrees with the source
 * wherever it gives one (it knows about spin-offs and special distributions
 * that bare events do not). Elsewhere the events on the later bar apply: a
 * split of s divides earlier prices by s, a dividend d multiplies them by
 * 1 − d / previous close. Volume is adjusted for splits only.
 */
export function adjustBars(symbol: string, bars: readonly StoredBar[]): AdjustedSeries {
  const n = bars.length;
  const adjFactor = new Float64Array(n);
  const volumeFactor = new Float64Array(n);
  if (n > 0) {
    adjFactor[n - 1] = 1;
    volumeFactor[n - 1] = 1;
  }
  // Walk back in runs of bars that share a download and carry an adjusted close.
  let t = n - 1;
  while (t > 0) {
    const later = bars[t];
    const earlier = bars[t - 1];
    if (sameAdjustedRun(earlier, later)) {
      const anchor = t;
      let start = t - 1;
      while (start > 0 && sameAdjustedRun(bars[start - 1], bars[start])) start--;
      const anchorRatio = ratio(bars[anchor]);
      for (let k = anchor - 1; k >= start; k--) {
        adjFactor[k] = (adjFactor[anchor] * ratio(bars[k])) / anchorRatio;
        volumeFactor[k] = volumeFactor[k + 1] * splitRatio(bars[k + 1]);
      }
      t = start;
    } else {
      adjFactor[t - 1] = adjFactor[t] * eventStep(earlier, later);
      volumeFactor[t - 1] = volumeFactor[t] * splitRatio(later);
      t--;
    }
  }

  const column = (pick: (bar: StoredBar) => number) => Float64Array.from(bars, pick);
  const rawClose = column((b) => b.close);
  return {
    symbol,
    dates: bars.map((b) => b.date),
    open: Float64Array.from(bars, (b, i) => b.open * adjFactor[i]),
    high: Float64Array.from(bars, (b, i) => b.high * adjFactor[i]),
    low: Float64Array.from(bars, (b, i) => b.low * adjFactor[i]),
    close: Float64Array.from(bars, (b, i) => b.close * adjFactor[i]),
    volume: Float64Array.from(bars, (b, i) => b.volume * volumeFactor[i]),
    adjFactor,
    rawClose,
    dividend: column((b) => b.dividend),
    split: column((b) => b.split),
  };
}

function sameAdjustedRun(earlier: StoredBar, later: StoredBar): boolean {
  return (
    earlier.adjClose !== null &&
    later.adjClose !== null &&
    earlier.fetchedAt === later.fetchedAt &&
    earlier.source === later.source &&
    earlier.close > 0 &&
    later.close > 0
  );
}

function ratio(bar: StoredBar): number {
  return (bar.adjClose as number) / bar.close;
}

function splitRatio(bar: StoredBar): number {
  return bar.split > 0 ? bar.split : 1;
}

/** The factor the events on `later` apply to `earlier` and every bar before it. */
function eventStep(earlier: StoredBar, later: StoredBar): number {
  let step = 1 / splitRatio(later);
  if (later.dividend > 0 && earlier.close > later.dividend) {
    step *= 1 - later.dividend / earlier.close;
  }
  return step;
}
