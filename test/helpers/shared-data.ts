import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** ../shared/data/sp500 beside the project, or null when this clone has none (tests then skip). */
export function sp500Dir(): string | null {
  const dir = process.env.MLX_SP500_DIR ?? path.resolve(here, '../../../shared/data/sp500');
  return fs.existsSync(path.join(dir, 'AAPL.csv')) ? dir : null;
}

/** The `skip` option for node:test: a reason string when the shared data is absent. */
export const skipWithoutSp500: string | false = sp500Dir()
  ? false
  : '../shared/data/sp500 is absent';

export function sp500Files(): string[] {
  return stockFiles(sp500Dir());
}

/** The 249 more stocks of ../shared/data/sp500-wide beside sp500 (for benches), or none. */
export function sp500WideFiles(): string[] {
  const dir = sp500Dir();
  return dir ? stockFiles(path.join(path.dirname(dir), 'sp500-wide')) : [];
}

function stockFiles(dir: string | null): string[] {
  if (!dir || !fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.csv') && f !== 'constituents.csv')
    .sort()
    .map((f) => path.join(dir, f));
}
