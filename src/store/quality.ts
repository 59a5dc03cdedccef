import type { TradingCalendar } from '../calendar/index.ts';
import type { AdjustedSeries } from './types.ts';

/** One-day adjusted moves beyond this are flagged: usually an unrecorded split, sometimes real. */
export const SUSPICIOUS_MOVE = 0.4;

export interface QualityReport {
  missing_sessions: string[];
  zero_volume_days: string[];
  splits: { date: string; ratio: number }[];
  dividends: { date: string; amount: number }[];
  suspicious_moves: { date: string; change_pct: number }[];
}

/** Data-quality flags of one symbol's history (pure). */
export function assessQuality(series: AdjustedSeries, calendar: TradingCalendar): QualityReport {
  const n = series.dates.length;
  const report: QualityReport = {
    missing_sessions: [],
    zero_volume_days: [],
    splits: [],
    dividends: [],
    suspicious_moves: [],
  };
  if (n === 0) return report;
  const stored = new Set(series.dates);
  for (const session of calendar.sessionsBetween(series.dates[0], series.dates[n - 1])) {
    if (!stored.has(session)) report.missing_sessions.push(session);
  }
  for (let t = 0; t < n; t++) {
    const date = series.dates[t];
    if (series.volume[t] === 0) report.zero_volume_days.push(date);
    if (series.split[t] !== 1) report.splits.push({ date, ratio: series.split[t] });
    if (series.dividend[t] > 0) report.dividends.push({ date, amount: series.dividend[t] });
    if (t > 0) {
      const change = series.close[t] / series.close[t - 1] - 1;
      if (Math.abs(change) > SUSPICIOUS_MOVE) {
        report.suspicious_moves.push({ date, change_pct: round(change * 100, 2) });
      }
    }
  }
  return report;
}

export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
