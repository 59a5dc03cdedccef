import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importFiles } from '../src/commands/data-import.ts';
import { defaultConfig, type TrainSettings } from '../src/config.ts';
import { noProgress, type Context } from '../src/context.ts';
import { homePaths } from '../src/home.ts';
import { createMemoryLogger } from '../src/log.ts';
import { Home } from '../src/home-files/home.ts';
import { resolveUniverse } from '../src/universe.ts';
import { defaultJobs } from '../src/training/fold-pool.ts';
import { resolveModels } from '../src/training/libraries.ts';
import { buildDataset, loadPanel, type Dataset } from '../src/dataset/panel.ts';
import { featureSetIdentity } from '../src/features/index.ts';
import { judgeFolds, startFoldFits } from '../src/training/walk-forward.ts';
import { sp500Files, sp500WideFiles } from '../test/helpers/shared-data.ts';
import type { BenchReporter } from './report.ts';
import { runPeer } from './skill/peer.ts';
import { printSkill, type SkillRun } from './skill/print.ts';
import { dailySeries, type DailySeries } from './skill/series.ts';
import { fitKey, VARIANTS } from './skill/variants.ts';

/**
 * `npm run bench -- skill`: walk-forward skill on the 304 stocks (or the 55),
 * over a long window and several seeds, for named configurations (see
 * bench/skill/variants.ts), with the paired daily difference between them and
 * the lab peer on the same test blocks. Settings from the environment:
 *
 *   MLX_SKILL_STOCKS    304 (sp500 + sp500-wide, the default) or 55
 *   MLX_SKILL_FOLDS     test folds of 63 sessions ending 2020-12 (default 30, from mid-2013)
 *   MLX_SKILL_SEEDS     comma-separated seeds (default 1,2,3)
 *   MLX_SKILL_VARIANTS  comma-separated names, the first the reference (default default,blend)
 *   MLX_SKILL_DIR       where homes and finished runs are kept (default: the temp folder)
 *   MLX_SKILL_BEFORE    another commit's MLX_SKILL_DIR: the first variant's runs kept there
 *                       (same seeds) join as `<variant>@before`, the reference of every pair
 *
 * A finished run (variant, seed, folds, stocks, feature set) is kept, so an
 * interrupted bench resumes and a new variant costs only its own fits; a run
 * kept from other feature code does not count.
 */
const UNTIL = '2020-12-31';

export async function bench(report: BenchReporter): Promise<void> {
  const narrow = sp500Files();
  if (narrow.length === 0) return report.note('skipped: ../shared/data/sp500 is absent');
  const stocks = process.env.MLX_SKILL_STOCKS ?? '304';
  const wide = stocks === '55' ? [] : sp500WideFiles();
  if (stocks !== '55' && wide.length === 0)
    return report.note(
      'skipped: ../shared/data/sp500-wide is absent (MLX_SKILL_STOCKS=55 runs the 55)',
    );
  const files = [...narrow, ...wide];
  const folds = Number(process.env.MLX_SKILL_FOLDS ?? 30);
  const seeds = (process.env.MLX_SKILL_SEEDS ?? '1,2,3').split(',').map(Number);
  const names = (process.env.MLX_SKILL_VARIANTS ?? 'default,blend').split(',');
  for (const name of names)
    if (!VARIANTS[name])
      throw new Error(`unknown variant ${name} (${Object.keys(VARIANTS).join(', ')})`);
  const dir = process.env.MLX_SKILL_DIR ?? path.join(os.tmpdir(), 'mlx-skill');
  const ctx = await benchHome(path.join(dir, `home-${files.length}`), files);
  const config = defaultConfig();
  const base: TrainSettings = { ...config.train, folds };
  report.note(
    `${files.length} stocks, ${folds} folds of ${base.testSessions} sessions to ${UNTIL}, seeds ${seeds.join(', ')}, ${defaultJobs()} threads`,
  );

  let data: Dataset | null = null;
  const dataset = () =>
    (data ??= buildDataset(loadPanelOf(ctx, UNTIL), config.horizonDays, config, UNTIL));
  const { models, xgbLib } = resolveModels(undefined, config.models, (m) => report.note(m));
  const runs: SkillRun[] = [];
  const featureSet = featureSetIdentity(config.regime).id;
  let blocks: [string, string][] = [];
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const key = fitKey(name, base);
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  for (const group of groups.values()) {
    for (const seed of seeds) {
      const file = (name: string) =>
        path.join(
          dir,
          `${name}-seed${seed}-${hash([fitKey(name, base), headOf(name, base), files.length, folds, featureSet])}.json`,
        );
      const cached = group.every((name) => fs.existsSync(file(name)));
      if (!cached) {
        const started = performance.now();
        const settings = VARIANTS[group[0]].settings(base);
        const input = {
          data: dataset(),
          horizonDays: config.horizonDays,
          settings,
          models: VARIANTS[group[0]].models ?? models,
          seed,
          xgbLib,
          jobs: defaultJobs(),
        };
        const fits = startFoldFits({
          ...input,
          onFoldFitted: (test, done, of) =>
            process.stderr.write(
              `  ${group.join('/')} seed ${seed}: fold ${done}/${of} (${test.from} → ${test.to})\n`,
            ),
        });
        const outcomes = await fits.outcomes();
        for (const name of group) {
          const judged = judgeFolds(
            { ...input, settings: VARIANTS[name].settings(base) },
            fits.folds,
            outcomes,
          );
          const series: DailySeries & { blocks: [string, string][] } = {
            ...dailySeries(judged.oos),
            blocks: judged.folds.map((f) => [f.test.from, f.test.to]),
          };
          fs.writeFileSync(file(name), JSON.stringify(series));
        }
        report.note(
          `fitted ${group.join('/')} seed ${seed} in ${Math.round((performance.now() - started) / 1000)} s`,
        );
      }
      for (const name of group) {
        const series = JSON.parse(fs.readFileSync(file(name), 'utf8'));
        blocks = series.blocks;
        runs.push({ variant: name, seed, series });
      }
    }
  }
  const toolsDir = path.resolve(path.dirname(narrow[0]), '../../tools');
  const csvDirs = [...new Set(files.map((f) => path.dirname(f)))];
  const peer = runPeer(
    toolsDir,
    blocks,
    csvDirs,
    path.join(dir, `peer-${hash([blocks, files.length])}.json`),
  );
  const before = process.env.MLX_SKILL_BEFORE;
  const variants = before ? [`${names[0]}@before`, ...names] : names;
  if (before) runs.push(...keptRuns(before, names[0], seeds));
  printSkill(report, { runs, variants, seeds, horizonDays: config.horizonDays, peer });
}

/**
 * The runs of `name` kept in another commit's bench folder, one per seed,
 * as `<name>@before`: the same settings on other code (another feature set).
 */
function keptRuns(dir: string, name: string, seeds: readonly number[]): SkillRun[] {
  return seeds.map((seed) => {
    const pattern = new RegExp(`^${name}-seed${seed}-[0-9a-f]{12}\\.json$`);
    const found = fs.readdirSync(dir).filter((f) => pattern.test(f));
    if (found.length !== 1)
      throw new Error(
        `MLX_SKILL_BEFORE: ${found.length} runs of ${name}, seed ${seed}, in ${dir} (need one)`,
      );
    const series = JSON.parse(fs.readFileSync(path.join(dir, found[0]), 'utf8')) as DailySeries;
    return { variant: `${name}@before`, seed, series };
  });
}

/** What decides a variant's head on shared fits. */
function headOf(name: string, base: TrainSettings): unknown[] {
  const { head, blendShrink } = VARIANTS[name].settings(base);
  return [head, blendShrink];
}

function loadPanelOf(ctx: Context, until: string) {
  const store = Home.of(ctx).readExistingStore();
  try {
    return loadPanel(store, resolveUniverse(ctx, store, {}), until, ctx.config);
  } finally {
    store.close();
  }
}

/** A home holding `files`, imported once and kept. */
async function benchHome(root: string, files: readonly string[]): Promise<Context> {
  const ctx: Context = {
    home: homePaths(root),
    config: defaultConfig(),
    log: createMemoryLogger('quiet'),
    now: () => new Date(),
    lockWaitSeconds: 0,
    progress: noProgress,
  };
  if (!fs.existsSync(ctx.home.db)) {
    fs.mkdirSync(root, { recursive: true });
    await importFiles(ctx, { files: [...files], onBadRow: 'fail' });
  }
  return ctx;
}

const hash = (value: unknown) =>
  crypto.createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);
