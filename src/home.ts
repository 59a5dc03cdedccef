import path from 'node:path';

/** Where every file of one mlx home lives (README, "Where files go"). */
export interface HomePaths {
  root: string;
  config: string;
  dataDir: string;
  db: string;
  modelsDir: string;
  predictionsDir: string;
  verificationsDir: string;
  lock: string;
}

export function homePaths(root: string, configFile?: string): HomePaths {
  const abs = path.resolve(root);
  return {
    root: abs,
    config: configFile ? path.resolve(configFile) : path.join(abs, 'mlx.config.json'),
    dataDir: path.join(abs, 'data'),
    db: path.join(abs, 'data', 'mlx.db'),
    modelsDir: path.join(abs, 'models'),
    predictionsDir: path.join(abs, 'predictions'),
    verificationsDir: path.join(abs, 'predictions', 'verifications'),
    lock: path.join(abs, '.mlx.lock'),
  };
}
