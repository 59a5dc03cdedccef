import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** mlx's own version, recorded in every model manifest. */
export const MLX_VERSION: string = (require('../package.json') as { version: string }).version;
