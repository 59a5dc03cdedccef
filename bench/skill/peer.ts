import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Debian's Python, where apt installs pandas and xgboost (a pyenv python3 on PATH may lack them). */
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/**
 * The lab peer (pandas + XGBoost, in ../shared/tools beside the project) on the
 * same test blocks, or a reason it cannot run. It is a yardstick, not a
 * dependency: without Python's pandas and xgboost, or without the tools
 * folder, the bench says so and goes on.
 */
export function runPeer(
  toolsDir: string,
  blocks: readonly [string, string][],
  csvDirs: readonly string[],
  cacheFile: string,
): { dates: string[]; values: number[] } | string {
  if (fs.existsSync(cacheFile)) return JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
  if (!fs.existsSync(path.join(toolsDir, 'skill_lab.py')))
    return `${toolsDir}/skill_lab.py is absent`;
  const probe = spawnSync(PYTHON, ['-c', 'import pandas, xgboost'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return 'python3 lacks pandas or xgboost (apt-get install python3-pandas python3-xgboost)';
  const blocksFile = `${cacheFile}.blocks.json`;
  fs.writeFileSync(blocksFile, JSON.stringify(blocks));
  const run = spawnSync(PYTHON, [path.join(here, 'peer.py'), toolsDir, blocksFile, ...csvDirs], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0) return `the peer failed (exit ${run.status})`;
  const parsed = JSON.parse(run.stdout) as { dates: string[]; rank_ic: number[] };
  const result = { dates: parsed.dates, values: parsed.rank_ic };
  fs.writeFileSync(cacheFile, JSON.stringify(result));
  return result;
}
