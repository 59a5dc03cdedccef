import fs from 'node:fs';
import { ownFile } from './own-files.ts';

/** mlx's own version, recorded in every model manifest. */
export const MLX_VERSION: string = (
  JSON.parse(fs.readFileSync(ownFile('package.json'), 'utf8')) as { version: string }
).version;
