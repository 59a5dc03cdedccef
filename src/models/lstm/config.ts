import { UsageError } from '../../errors.ts';

/** Architecture and training settings of the sequence model. */
export interface LstmConfig {
  /** Sessions per input sequence (T). */
  timesteps: number;
  /** Features per session (F). */
  features: number;
  /** LSTM hidden units. */
  units: number;
  /** Units of the ReLU layer between the LSTM and the output; 0 connects the LSTM straight to it. */
  denseUnits: number;
  /** Maximum passes over the training samples. */
  epochs: number;
  batchSize: number;
  /** Adam's step size. */
  learningRate: number;
  /** Training stops once this many epochs in a row bring no lower validation loss (best weights are kept). */
  patience: number;
  seed: number;
}

/**
 * Defaults for daily bars: 20 sessions, 32 units, batches of 256. Batches of
 * 256 rather than the usual 32 because tfjs pays a fixed cost per operation:
 * on the wasm backend 256 trains several times more samples per second, which
 * is what makes the ≥ 2,000 samples/s goal (see bench/models.bench.ts).
 */
export const DEFAULT_LSTM_CONFIG: Omit<LstmConfig, 'features'> = {
  timesteps: 20,
  units: 32,
  denseUnits: 16,
  epochs: 30,
  batchSize: 256,
  learningRate: 1e-3,
  patience: 5,
  seed: 42,
};

export function lstmConfig(
  overrides: Partial<LstmConfig> & Pick<LstmConfig, 'features'>,
): LstmConfig {
  return validateLstmConfig({ ...DEFAULT_LSTM_CONFIG, ...overrides });
}

/** Throws UsageError naming the first setting out of range. */
export function validateLstmConfig(config: LstmConfig): LstmConfig {
  const positiveIntegers: (keyof LstmConfig)[] = [
    'timesteps',
    'features',
    'units',
    'epochs',
    'batchSize',
  ];
  for (const key of positiveIntegers) {
    const value = config[key];
    if (!Number.isInteger(value) || value < 1) {
      throw new UsageError(`LSTM ${key} must be a positive integer (got ${value}).`);
    }
  }
  for (const key of ['denseUnits', 'patience'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 0) {
      throw new UsageError(`LSTM ${key} must be a non-negative integer (got ${config[key]}).`);
    }
  }
  if (!(config.learningRate > 0) || !Number.isFinite(config.learningRate)) {
    throw new UsageError(`LSTM learningRate must be positive (got ${config.learningRate}).`);
  }
  if (!Number.isInteger(config.seed)) {
    throw new UsageError(`LSTM seed must be an integer (got ${config.seed}).`);
  }
  return config;
}
