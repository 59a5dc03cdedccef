import fs from 'node:fs';
import { cutMemory, datasetUntil } from '../src/dataset/dataset-until.ts';
import { buildDataset, loadPanel } from '../src/dataset/panel.ts';
import { PriceStore } from '../src/store/price-store.ts';
import { sp500Context } from './home.ts';
import type { BenchReporter } from './report.ts';

/**
 * A three-year backtest's monthly cuts of its dataset (the 55 up to 2020, cut
 * at each month's last session of 2018–2020), as its retrains take them: into
 * new memory, and into one memory taken by one cut after another (CutMemory).
 * Each way twice, alternated, in one process.
 */
export async function bench(report: BenchReporter): Promise<void> {
  const ctx = await sp500Context('cuts', report);
  if (!ctx) return;
  const store = PriceStore.open(ctx.home.db, { readonly: true });
  try {
    const panel = loadPanel(store, store.symbolNames(), '2020-12-31', ctx.config);
    const full = buildDataset(panel, ctx.config.horizonDays, ctx.config, '2020-12-31');
    const monthEnds = full.dates.filter(
      (date, i) => date >= '2018-01-01' && full.dates[i + 1]?.slice(0, 7) !== date.slice(0, 7),
    );
    const seconds: Record<'new memory' | 'one memory', number[]> = {
      'new memory': [],
      'one memory': [],
    };
    for (let run = 0; run < 2; run++)
      for (const way of ['new memory', 'one memory'] as const) {
        const started = performance.now();
        const memory = way === 'one memory' ? cutMemory(full) : undefined;
        let rows = 0;
        for (const until of monthEnds) rows += datasetUntil(full, panel, until, memory).rows;
        seconds[way].push((performance.now() - started) / 1000);
        if (rows === 0) report.note('warning: every cut was empty');
      }
    for (const way of ['new memory', 'one memory'] as const)
      report.figure(
        `${monthEnds.length} monthly cuts of ${full.rows.toLocaleString('en')} rows, into ${way}`,
        Math.min(...seconds[way]),
        's',
        `best of 2: ${seconds[way].map((s) => s.toFixed(2)).join(', ')} s`,
      );
  } finally {
    store.close();
    fs.rmSync(ctx.home.root, { recursive: true, force: true });
  }
}
