import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { MLX_BIN } from '../test/helpers/cli.ts';
import { verifiedHome } from '../test/helpers/verified-home.ts';
import type { BenchReporter } from './report.ts';

const RUNS = 5;

/** The commands a person runs by hand or a script runs often: none loads a heavy library. */
const SMALL_COMMANDS = [['--help'], ['predictions'], ['report'], ['cron'], ['data', 'ls']];

const TIME = '/usr/bin/time';

/**
 * Median wall and CPU seconds (user + system, where /usr/bin/time can tell)
 * of `mlx ARGS` spawned as a user runs it (of `node ARGS` without a home),
 * after one run that warms the disk cache. On a machine busy with other work
 * the wall time grows and the CPU time hardly does.
 */
function measure(
  home: string | null,
  args: string[],
  unset: readonly string[] = [],
): { seconds: number; cpu: number | null } {
  const command = home === null ? args : [MLX_BIN, '--home', home, ...args];
  const timed = fs.existsSync(TIME);
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const started = performance.now();
    const run = spawnSync(
      timed ? TIME : process.execPath,
      timed ? ['-f', '%U %S', process.execPath, ...command] : command,
      { encoding: 'utf8', env: environment(unset) },
    );
    if (run.status !== 0) throw new Error(`${command.join(' ')} failed: ${run.stderr}`);
    if (i === 0) continue;
    walls.push((performance.now() - started) / 1000);
    const [user, system] = (run.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    cpus.push(user + system);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const cpu = median(cpus);
  return { seconds: median(walls), cpu: Number.isFinite(cpu) ? cpu : null };
}

/** The bench's environment for a command: no MLX_HOME, no colour, and `unset` left out. */
function environment(unset: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const name of ['MLX_HOME', ...unset]) delete env[name];
  return env;
}

/** One figure: the median wall time, with the goal and the median CPU time beside it. */
function timeCommand(
  reporter: BenchReporter,
  name: string,
  home: string | null,
  args: string[],
  goal?: string,
  unset: readonly string[] = [],
) {
  const { seconds, cpu } = measure(home, args, unset);
  const detail = [goal, cpu === null ? null : `CPU ${cpu.toFixed(2)} s`].filter(Boolean);
  reporter.figure(name, seconds, 's', detail.join('; ') || undefined);
}

function ledgerLines(home: string): number {
  const count = (dir: string) =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .reduce(
        (sum, f) => sum + fs.readFileSync(path.join(dir, f), 'utf8').split('\n').length - 1,
        0,
      );
  const predictions = path.join(home, 'predictions');
  return count(predictions) + count(path.join(predictions, 'verifications'));
}

/**
 * Start-up of the small commands through the built bin/mlx.js, on a synthetic
 * home (10 symbols, 2021) whose ledger holds a month of verified predictions;
 * predictions and report again on eight months, to show what reading a larger
 * ledger adds.
 */
export async function bench(reporter: BenchReporter): Promise<void> {
  const month = await verifiedHome({ symbols: 10, from: '2021-10-01', to: '2021-10-29' });
  const home = month.home.root;
  reporter.note(`home: 10 synthetic symbols, ${ledgerLines(home)} ledger lines`);
  // Node.js alone first: what any Node.js program pays before mlx's code runs.
  const starts = (suffix: string, unset: readonly string[]) => {
    timeCommand(
      reporter,
      `node -e 0 (Node.js alone)${suffix}`,
      null,
      ['-e', '0'],
      undefined,
      unset,
    );
    for (const args of SMALL_COMMANDS)
      timeCommand(reporter, `mlx ${args.join(' ')}${suffix}`, home, args, 'goal ≤ 0.3 s', unset);
  };
  starts('', []);
  // The variable is the machine's, not mlx's: the same starts again as a machine without it runs them.
  const extraCa = process.env.NODE_EXTRA_CA_CERTS;
  if (extraCa) {
    reporter.note(`NODE_EXTRA_CA_CERTS is set: every Node.js start above read ${extraCa}`);
    starts(', without NODE_EXTRA_CA_CERTS', ['NODE_EXTRA_CA_CERTS']);
  }
  fs.rmSync(home, { recursive: true, force: true });

  const eightMonths = await verifiedHome({ symbols: 10 });
  const larger = eightMonths.home.root;
  const lines = ledgerLines(larger);
  for (const args of [['predictions'], ['report']])
    timeCommand(reporter, `mlx ${args.join(' ')}, ${lines} ledger lines`, larger, args);
  fs.rmSync(larger, { recursive: true, force: true });
}
