import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultConfig, type Config } from '../config.ts';
import type { Context } from '../context.ts';
import { homePaths } from '../home.ts';
import { Home } from '../home-files/home.ts';
import { renderHtml } from '../report/html.ts';
import { calendarFor } from '../calendar/index.ts';
import { fetchData } from '../jobs/fetch-data.ts';
import { replayPanel, replaySession, weekEnds } from '../replay/session-replay.ts';
import { LIVE_LOOP } from '../replay/live-loop.ts';
import type { Report } from '../report/document.ts';
import { buildReport } from '../report/build.ts';
import { train, type TrainResult } from '../jobs/train.ts';
import { verify } from '../jobs/verify.ts';

export interface DemoOptions {
  /** Where to run; default: a fresh temporary folder. */
  home?: string;
  symbols: number;
  seed: number;
  /** How the user runs mlx, for the suggested next commands ('mlx' or 'npx mlx'). */
  command?: string;
}

export interface DemoResult {
  home: string;
  synthetic: true;
  symbols: number;
  train: Pick<TrainResult, 'version' | 'dir' | 'verdicts' | 'seconds'> & {
    metrics: TrainResult['walk_forward']['metrics'];
  };
  predictions: number;
  verified: number;
  report: Pick<Report, 'overall' | 'totals' | 'baselines'>;
  html: string;
  seconds: number;
  next: string[];
}

/** Settings that keep the demo near a minute on two cores; the real code paths, smaller. */
export function demoConfig(): Config {
  const base = defaultConfig();
  return {
    ...base,
    source: 'synthetic',
    train: {
      ...base.train,
      folds: 4,
      xgb: { ...base.train.xgb, rounds: 200, min_child_weight: 50 },
      lstm: { ...base.train.lstm, epochs: 4, maxSamples: 4000 },
    },
  };
}

/**
 * `mlx demo`: the whole loop offline on the seeded synthetic market —
 * generate, train, predict the last quarter session by session, verify
 * weekly, report — in a fresh home, and say where everything went.
 */
export async function demo(ctx: Context, options: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const root = options.home
    ? path.resolve(options.home)
    : fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-demo-'));
  const config = demoConfig();
  const demoCtx: Context = { ...ctx, home: homePaths(root), config };
  const files = Home.of(demoCtx);
  files.writeConfigIfMissing({ source: 'synthetic', train: config.train });
  const calendar = calendarFor('US');
  const to = calendar.lastClosedSession(ctx.now());
  const from = `${Number(to.slice(0, 4)) - 5}${to.slice(4)}`;
  const replayFrom = calendar.addSessions(to, -60);
  const trainUntil = calendar.addSessions(replayFrom, -1);

  ctx.log.info(
    `demo home: ${root} (synthetic market: ${options.symbols} symbols, seed ${options.seed}, ${from} → ${to})`,
  );
  await fetchData(demoCtx, {
    symbols: [],
    source: 'synthetic',
    count: options.symbols,
    seed: options.seed,
    from,
    to,
  });
  ctx.log.info(`training on data up to ${trainUntil}…`);
  const trained = await train(demoCtx, { until: trainUntil, promote: 'always' });

  ctx.log.info(`predicting every session ${replayFrom} → ${to}, verifying each Friday…`);
  let predictions = 0;
  let verified = 0;
  const reuse = await replayPanel(demoCtx, to);
  try {
    for (const session of calendar.sessionsBetween(replayFrom, to)) {
      const done = await replaySession(
        LIVE_LOOP,
        [{ ctx: demoCtx, adapt: true }],
        session,
        reuse,
        weekEnds(calendar, session),
      );
      predictions += done.predicted;
      verified += done.verified;
    }
  } finally {
    reuse.model.free();
  }
  verified += (await verify(demoCtx, { dryRun: false, fetch: false })).verified.length;
  const report = await buildReport(demoCtx, {});
  const html = files.writeReportHtml(
    await renderHtml(report, { command: `mlx demo (report of ${root})` }),
  );
  const home = root.includes(' ') ? `"${root}"` : root;
  const mlx = options.command ?? 'mlx';
  return {
    home: root,
    synthetic: true,
    symbols: options.symbols,
    train: {
      version: trained.version,
      dir: trained.dir,
      verdicts: trained.verdicts,
      seconds: trained.seconds,
      metrics: trained.walk_forward.metrics,
    },
    predictions,
    verified,
    report: { overall: report.overall, totals: report.totals, baselines: report.baselines },
    html,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    next: [
      `${mlx} --home ${home} data ls`,
      `${mlx} --home ${home} models show`,
      `${mlx} --home ${home} report --all`,
      `${mlx} --home ${home} report --all --json | jq '.symbols[] | select(.hit_rate < .5)'`,
      `${mlx} --home ${home} features SYN001 --last 5`,
      `open ${html}   (or xdg-open)`,
    ],
  };
}
