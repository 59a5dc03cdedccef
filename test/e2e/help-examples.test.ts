import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from '../helpers/suite.ts';
import { MLX_BIN, tempHome } from '../helpers/cli.ts';
import { skipWithoutSp500, sp500Dir } from '../helpers/shared-data.ts';
import { xgboostStatus } from '../../src/models/xgboost/index.ts';

/**
 * Every example of every `mlx … --help` runs as written, in a home set up as
 * the README says (the 55 real stocks imported, mlx train), in the order a
 * reader meets them. A small config keeps it quick: six symbols, XGBoost
 * alone, few rounds. Files an example names as the reader's own
 * (tcs-daily.csv, a booster trained elsewhere) get stand-ins, and crontab a
 * stand-in that writes a file; what needs the network or a tool mlx does not
 * install is skipped, by name, below.
 */

/** The help pages in the order they run (a page's examples may use what an earlier one made). */
const PAGES = [
  'data',
  'data import',
  'data fetch',
  'data ls',
  'data show',
  'features',
  'train',
  'models',
  'models ls',
  'models show',
  'models promote',
  'models import',
  'predict',
  'verify',
  'predictions',
  'report',
  'explain',
  'export',
  'backtest',
  'cron',
  'doctor',
  'demo',
  '',
];

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const NETWORK = 'needs the network: Yahoo (offline here)';

/** Examples skipped, each with what it needs that this machine lacks. */
const SKIPPED: Record<string, string | false> = {
  'mlx data fetch AAPL MSFT TCS.NS': NETWORK,
  'mlx data fetch': NETWORK,
  "mlx data fetch --json | jq '.failures'": NETWORK,
  'mlx predict': `${NETWORK}, and bars up to the last close`,
  "mlx predict AAPL MSFT --json | jq '.[] | {symbol, predicted_change_pct, probability_up}'": `${NETWORK}, and bars up to the last close`,
  'mlx predict --top 10 --sort expected_excess_pct': `${NETWORK}, and bars up to the last close`,
  'mlx verify --since 7d': `${NETWORK}: verify refreshes the bars of due predictions first`,
  [`duckdb -c "SELECT symbol, avg(probability_up) FROM 'export/predictions.parquet' GROUP BY 1"`]:
    has('duckdb') ? false : 'needs the DuckDB CLI, which is not installed here',
};

/** Examples whose exit code is not 0 here, and why. */
const EXITS: Record<string, { code: number; why: string }> = {
  'mlx doctor': { code: 1, why: 'the 55 stocks end 2021-04-21: the freshness check fails' },
  'mlx doctor --repair': { code: 1, why: 'freshness is not for --repair to fix' },
  "mlx doctor --json | jq '.checks[] | select(.ok | not)'": { code: 1, why: 'as mlx doctor' },
};

/** The examples of a help text: the lines under "Examples", without their descriptions. */
function examplesOf(help: string): string[] {
  const lines = help.split('\n');
  const start = lines.findIndex((l) => /^Examples\b.*:$/.test(l));
  if (start < 0) return [];
  const examples: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break;
    examples.push(line.trim().split(/\s{3,}/)[0]);
  }
  return examples;
}

/** The subcommands a help text lists. */
function commandsOf(help: string): string[] {
  const lines = help.split('\n');
  const start = lines.indexOf('Commands:');
  if (start < 0) return [];
  const end = lines.indexOf('', start);
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .filter((l) => /^ {2}[a-z]/.test(l))
    .map((l) => l.trim().split(/\s/)[0])
    .filter((c) => c !== 'help');
}

const noXgb = xgboostStatus().available ? false : 'libxgboost is not installed';

describe(
  'every example of every --help, after the README set-up on the 55 stocks',
  { skip: skipWithoutSp500 || noXgb },
  () => {
    // ~ is a folder of its own: ~/mlx the home, ~/prices the reader's CSVs, and ../shared beside it.
    const user = tempHome('mlx-reader-');
    const home = path.join(user, 'mlx');
    const bin = path.join(user, 'bin');
    const env = {
      HOME: user,
      PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`,
      NO_COLOR: '1',
      LANG: 'C.UTF-8',
    };
    const run = (line: string, cwd = home) =>
      spawnSync('bash', ['-o', 'pipefail', '-c', line], { cwd, env, encoding: 'utf8' });
    const pages = new Map<string, string[]>();
    const ran = new Set<string>();

    before(() => {
      fs.mkdirSync(home);
      fs.mkdirSync(bin);
      fs.symlinkSync(MLX_BIN, path.join(bin, 'mlx'));
      fs.symlinkSync(process.execPath, path.join(bin, 'node'));
      // Stands in for cron's crontab: keeps the table in a file under ~.
      const table = path.join(user, 'crontab.txt');
      fs.writeFileSync(
        path.join(bin, 'crontab'),
        `#!/bin/sh\nif [ "$1" = "-l" ]; then cat ${JSON.stringify(table)} 2>/dev/null; else cat "$1" > ${JSON.stringify(table)}; fi\n`,
        { mode: 0o755 },
      );
      fs.symlinkSync(sp500Dir() as string, path.join(user, 'prices'));
      fs.mkdirSync(path.join(user, 'shared', 'data'), { recursive: true });
      fs.symlinkSync(sp500Dir() as string, path.join(user, 'shared', 'data', 'sp500'));
      fs.writeFileSync(
        path.join(home, 'mlx.config.json'),
        JSON.stringify({
          universe: ['AAPL', 'JPM', 'KO', 'MSFT', 'PG', 'XOM'],
          models: ['xgb'],
          train: {
            folds: 2,
            testSessions: 40,
            xgb: { rounds: 40, earlyStoppingRounds: 10 },
            lstm: { epochs: 1, maxSamples: 400, units: 4, denseUnits: 2, timesteps: 10 },
          },
        }),
      );
      for (const step of ['mlx data import --quiet ~/prices/*.csv', 'mlx train --quiet']) {
        const done = run(step);
        assert.equal(done.status, 0, `${step}\n${done.stderr}`);
      }
      // The reader's own files the examples name.
      const ko = fs.readFileSync(path.join(sp500Dir() as string, 'KO.csv'), 'utf8').split('\n');
      fs.writeFileSync(path.join(home, 'tcs-daily.csv'), ko.slice(0, 300).join('\n'));
      fs.writeFileSync(
        path.join(home, 'messy.csv'),
        [
          ...ko.slice(0, 100),
          '2000-03-24,not a price,1,1,1,1,1,0.0,1.0',
          ...ko.slice(100, 200),
        ].join('\n'),
      );
      // The help pages: the commands mlx --help lists, and theirs.
      const queue = [''];
      while (queue.length > 0) {
        const page = queue.shift() as string;
        const help = run(`mlx ${page} --help`.replace(/ +/g, ' '));
        assert.equal(help.status, 0, help.stderr);
        pages.set(page, examplesOf(help.stdout));
        queue.push(...commandsOf(help.stdout).map((c) => `${page} ${c}`.trim()));
      }
    });

    it('the pages run here are every page mlx has, and each skipped example is in one', () => {
      assert.deepEqual([...pages.keys()].sort(), [...PAGES].sort());
      const all = [...pages.values()].flat();
      for (const example of [...Object.keys(SKIPPED), ...Object.keys(EXITS)])
        assert.ok(all.includes(example), `${example} is no longer an example`);
    });

    for (const [example, reason] of Object.entries(SKIPPED))
      if (reason) it(example, { skip: reason }, () => {});

    for (const page of PAGES) {
      it(`mlx ${page} --help`.replace(/ +/g, ' '), () => {
        if (page === 'models import') {
          // Boosters "trained elsewhere": the promoted version's own, which import must accept.
          const current = fs.readFileSync(path.join(home, 'models/default/CURRENT'), 'utf8').trim();
          const booster = path.join(home, 'models/default', current, 'xgb.json');
          fs.mkdirSync(path.join(home, 'cluster'), { recursive: true });
          fs.copyFileSync(booster, path.join(home, 'cluster', 'xgb.json'));
          fs.copyFileSync(booster, path.join(home, 'xgb.json'));
        }
        for (const example of pages.get(page) ?? []) {
          if (SKIPPED[example] || ran.has(example)) continue;
          ran.add(example);
          const done = run(example);
          const expected = EXITS[example]?.code ?? 0;
          assert.equal(done.status, expected, `${example}\n${done.stderr}`);
          // A path jq does not find prints null: the example would read a field that is not there.
          if (/\| jq /.test(example))
            assert.notEqual(done.stdout.trim(), 'null', `${example}: jq found no such field`);
        }
        if (page === 'doctor') {
          // What mlx doctor --json | jq printed: only the freshness check fails.
          const failing = run("mlx doctor --json | jq -c '.checks[] | select(.ok | not) | .name'");
          assert.deepEqual(failing.stdout.trim().split('\n'), ['"data freshness"']);
        }
        if (page === 'cron')
          assert.match(fs.readFileSync(path.join(user, 'crontab.txt'), 'utf8'), /mlx verify/);
      });
    }
  },
);
