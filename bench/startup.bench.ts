import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { MLX_BIN } from '../test/helpers/cli.ts';
import { verifiedHome } from '../test/helpers/verified-home.ts';
import type { BenchReporter } from './report.ts';

const RUNS = 5;

/** The commands a person runs by hand or a script runs often: none loads a heavy library. */
const SMALL_COMMANDS = [['--help'], ['predictions'], ['report'], ['cron'], ['data', 'ls']];

/** Median wall time of `mlx ARGS` spawned as a user runs it, after one run that warms the disk cache. */
function wallTime(home: string, args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, [MLX_BIN, '--home', home, ...args], {
      encoding: 'utf8',
      env: { ...process.env, MLX_HOME: undefined, NO_COLOR: '1' },
    });
    if (run.status !== 0) throw new Error(`mlx ${args.join(' ')} failed: ${run.stderr}`);
    if (i > 0) times.push((performance.now() - started) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

function ledgerLines(home: string): number {
  const count = (dir: string) =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .reduce((sum, f) => sum + fs.readFileSync(`${dir}/${f}`, 'utf8').split('\n').length - 1, 0);
  return count(`${home}/predictions`) + count(`${home}/predictions/verifications`);
}

/**
 * Start-up of the small commands through the built bin/mlx.js, on a synthetic
 * home (10 symbols, 2021) whose ledger holds a month of verified predictions;
 * predictions and report again on eight months, to show what reading a larger
 * ledger adds.
 */
export async function bench(report: BenchReporter): Promise<void> {
  const month = await verifiedHome({ symbols: 10, from: '2021-10-01', to: '2021-10-29' });
  const home = month.home.root;
  report.note(`home: 10 synthetic symbols, ${ledgerLines(home)} ledger lines`);
  for (const args of SMALL_COMMANDS)
    report.figure(`mlx ${args.join(' ')}`, wallTime(home, args), 's', 'goal ≤ 0.3 s');
  fs.rmSync(home, { recursive: true, force: true });

  const eightMonths = await verifiedHome({ symbols: 10 });
  const larger = eightMonths.home.root;
  const lines = ledgerLines(larger);
  for (const args of [['predictions'], ['report']])
    report.figure(`mlx ${args.join(' ')}, ${lines} ledger lines`, wallTime(larger, args), 's');
  fs.rmSync(larger, { recursive: true, force: true });
}
