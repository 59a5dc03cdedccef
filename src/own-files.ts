import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A file of mlx's own package (its package.json, bin/mlx.js), wherever this
 * code runs from: src/ (under tsx), dist/ (tsc's output) or dist/bundle/ (what
 * bin/mlx.js loads). The package's folder is the nearest one above this
 * module that holds a package.json.
 */
export function ownFile(...parts: string[]): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`mlx's package.json is not above ${import.meta.url}`);
    dir = parent;
  }
  return path.join(dir, ...parts);
}
