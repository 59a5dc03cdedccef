import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sp500Files } from '../test/helpers/shared-data.ts';
import type { BenchReporter } from './report.ts';

/**
 * `npm run bench -- scale`: the commands a user runs, as a user runs them (the
 * built `bin/mlx.js`, one process each), on the 55 stocks of ../shared/data/sp500
 * and on the 304 with ../shared/data/sp500-wide: wall time, peak RSS of the
 * whole process (worker threads included) and its CPU share, from /usr/bin/time.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const MLX = path.resolve(here, '../bin/mlx.js');
const TIME = '/usr/bin/time';

interface Run {
  seconds: number;
  peakMiB: number;
  /** CPU time over wall time, in % of one core. */
  cpuPct: number;
}

export async function bench(report: BenchReporter): Promise<void> {
  const narrow = sp500Files();
  if (narrow.length === 0) return report.note('skipped: ../shared/data/sp500 is absent');
  if (!fs.existsSync(TIME)) return report.note(`skipped: ${TIME} is absent (apt-get install time)`);
  const wideDir = path.resolve(path.dirname(narrow[0]), '../sp500-wide');
  const wide = fs.existsSync(wideDir)
    ? fs
        .readdirSync(wideDir)
        .filter((f) => f.endsWith('.csv') && f !== 'constituents.csv')
        .map((f) => path.join(wideDir, f))
    : [];
  report.note(`${os.availableParallelism()} cores, Node ${process.versions.node}`);
  const universes: [string, string[]][] = [['55', narrow]];
  if (wide.length > 0) universes.push([String(narrow.length + wide.length), [...narrow, ...wide]]);
  else report.note('the 304-stock rows are skipped: ../shared/data/sp500-wide is absent');
  for (const [label, files] of universes) await universe(report, label, files);
}

async function universe(report: BenchReporter, label: string, files: string[]): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `mlx-bench-scale-${label}-`));
  const figure = (what: string, run: Run, goal?: string) => {
    report.figure(`${what}, ${label} stocks`, run.seconds, 's', goal);
    report.note(`  peak RSS ${run.peakMiB} MiB, CPU ${run.cpuPct}% of one core`);
  };
  try {
    figure('mlx data import', mlx(home, ['data', 'import', ...files]));
    figure(
      'mlx train --until 2020-12-31',
      mlx(home, ['train', '--until', '2020-12-31']),
      label === '55' ? 'goal ≤ 90 s' : 'goal ≤ 300 s, ≤ 2.5 GB, CPU ≥ 170%',
    );
    figure(
      'mlx predict --as-of 2021-01-04',
      mlx(home, ['predict', '--as-of', '2021-01-04', '--no-fetch']),
      label === '55' ? undefined : 'goal ≤ 5 s',
    );
    const out = path.join(home, 'export');
    figure(
      'mlx export bars features',
      mlx(home, ['export', 'bars', 'features', '--out', out]),
      label === '55' ? 'goal ≤ 400 MB' : 'goal ≤ 1 GB',
    );
    figure(
      'mlx backtest --from 2020-01-01 --to 2020-12-31 --compare (one year)',
      mlx(home, ['backtest', '--from', '2020-01-01', '--to', '2020-12-31', '--compare']),
    );
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** One mlx command in its own process, measured by /usr/bin/time; throws if it fails. */
function mlx(home: string, args: string[]): Run {
  const result = spawnSync(
    TIME,
    ['-f', 'MLXBENCH %e %M %P', process.execPath, MLX, '--home', home, '--quiet', ...args],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  const line = result.stderr.split('\n').find((l) => l.startsWith('MLXBENCH '));
  // Exit 3 is a partial success (a symbol too young to predict on the 304), still measured.
  if ((result.status !== 0 && result.status !== 3) || !line)
    throw new Error(`mlx ${args[0]} failed (exit ${result.status}): ${result.stderr.slice(-2000)}`);
  const [, seconds, kib, cpu] = line.split(' ');
  return {
    seconds: Number(seconds),
    peakMiB: Math.round(Number(kib) / 1024),
    cpuPct: Number(cpu.replace('%', '')),
  };
}
