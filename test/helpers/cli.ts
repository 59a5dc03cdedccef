import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const MLX_BIN = path.resolve(here, '../../bin/mlx.js');

export interface MlxRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built `mlx` binary as a user would, in `home`. */
export function runMlx(
  args: string[],
  options: { home: string; env?: NodeJS.ProcessEnv; input?: string } = { home: os.tmpdir() },
): Promise<MlxRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MLX_BIN, ...args], {
      cwd: options.home,
      env: { ...process.env, MLX_HOME: undefined, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export function tempHome(prefix = 'mlx-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
