import fs from 'node:fs';
import path from 'node:path';
import { leftoverTemps, removeLeftoverTemps } from '../fsutil.ts';
import type { HomePaths } from '../home.ts';
import type { Check } from './check.ts';

/** The folders of a home where mlx writes through temporary names. */
function tempFolders(home: HomePaths): string[] {
  const models = fs.existsSync(home.modelsDir)
    ? fs
        .readdirSync(home.modelsDir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
        .map((e) => path.join(home.modelsDir, e.name))
    : [];
  return [
    home.root,
    home.dataDir,
    home.modelsDir,
    ...models,
    home.predictionsDir,
    home.verificationsDir,
  ];
}

/** Temporary files and folders left by killed commands (their pid no longer runs). */
export function findLeftoverTemps(home: HomePaths): string[] {
  return tempFolders(home).flatMap((dir) => leftoverTemps(dir));
}

export function removeTemps(home: HomePaths): string[] {
  return tempFolders(home).flatMap((dir) => removeLeftoverTemps(dir));
}

export function tempsCheck(found: readonly string[]): Check {
  return found.length === 0
    ? { name: 'temporary files', ok: true, detail: 'none left by killed commands' }
    : {
        name: 'temporary files',
        ok: false,
        detail: `${found.length} left by commands that were killed while writing: ${found.join(', ')}`,
        hint: 'mlx doctor --repair removes them (the files they were to become are whole: writes are renamed into place)',
      };
}
