import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { lstmConfig, trainLstm } from '../src/models/lstm/index.ts';
import type { SequenceSet } from '../src/models/lstm/index.ts';
import { initTensorflow } from '../src/models/tf-backend.ts';
import type { TfBackendPreference } from '../src/models/tf-backend.ts';
import { Booster, DMatrix, xgboostStatus, loadXGBoost } from '../src/models/xgboost/index.ts';
import type { XGBoostLib, XGBoostParams } from '../src/models/xgboost/index.ts';
import { createRandom } from '../src/random.ts';
import type { BenchReporter } from './report.ts';

/**
 * Model figures: XGBoost training throughput, native memory over repeated
 * train-and-free cycles, LSTM training throughput per backend, peak RSS.
 */
export async function bench(report: BenchReporter): Promise<void> {
  report.note(`${os.cpus().length} cores, Node ${process.version}`);
  const status = xgboostStatus();
  if (status.available) {
    report.note(`libxgboost ${status.version} at ${status.path}`);
    const lib = loadXGBoost();
    // Memory first: the large throughput matrices would otherwise linger in the first RSS reading.
    xgboostMemory(report, lib);
    xgboostThroughput(report, lib);
  } else {
    report.note(`XGBoost skipped: ${status.reason}`);
  }
  await lstmThroughput(report);
  report.figure('peak RSS', process.resourceUsage().maxRSS / 1024, 'MB');
}

function table(rows: number, cols: number, seed: number): { x: Float32Array; y: Float32Array } {
  const random = createRandom(seed);
  const x = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) x[r * cols + c] = random.normal();
    const at = r * cols;
    y[r] = x[at] - 2 * x[at + 1] + x[at + 2] * x[at + 3] + 0.5 * random.normal();
  }
  return { x, y };
}

const params: XGBoostParams = {
  objective: 'reg:squarederror',
  tree_method: 'hist',
  max_depth: 6,
  eta: 0.1,
  subsample: 0.8,
  colsample_bytree: 0.8,
  seed: 1,
};

function xgboostThroughput(report: BenchReporter, lib: XGBoostLib): void {
  const rows = 200_000;
  const cols = 50;
  const rounds = 200;
  const { x, y } = table(rows, cols, 1);
  let started = performance.now();
  const train = DMatrix.fromFloat32(lib, x, rows, cols, { labels: y });
  report.figure(
    `XGBoost DMatrix from ${rows.toLocaleString('en')} × ${cols} Float32Array`,
    (performance.now() - started) / 1000,
    's',
  );
  const booster = Booster.create(lib, params);
  try {
    started = performance.now();
    booster.train({ train, rounds });
    const seconds = (performance.now() - started) / 1000;
    report.figure(
      `XGBoost train ${rows.toLocaleString('en')} rows × ${cols} features, ${rounds} rounds (hist, depth 6, all cores)`,
      seconds,
      's',
    );
    report.figure('XGBoost training throughput', rows / seconds, 'rows/s (whole model)');
    report.figure(
      'XGBoost training throughput per round',
      (rows * rounds) / seconds,
      'row-rounds/s',
    );
    // A fresh matrix: predicting the training matrix would hit XGBoost's prediction cache.
    const unseen = DMatrix.fromFloat32(lib, x, rows, cols);
    try {
      started = performance.now();
      booster.predict(unseen);
      report.figure('XGBoost predict', rows / ((performance.now() - started) / 1000), 'rows/s');
    } finally {
      unseen.free();
    }
  } finally {
    booster.free();
    train.free();
  }
}

/** RSS before and after 50 cycles of build → train → predict → save → load → free. */
function xgboostMemory(report: BenchReporter, lib: XGBoostLib): void {
  const rows = 20_000;
  const cols = 50;
  const cycles = 50;
  const { x, y } = table(rows, cols, 2);
  const cycle = () => {
    const train = DMatrix.fromFloat32(lib, x, rows, cols, { labels: y });
    const valid = DMatrix.fromFloat32(lib, x.subarray(0, 2000 * cols), 2000, cols, {
      labels: y.subarray(0, 2000),
    });
    const booster = Booster.create(lib, { ...params, nthread: 2 });
    booster.train({ train, valid, rounds: 40, earlyStoppingRounds: 10 });
    booster.predict(valid);
    const loaded = Booster.loadJson(lib, booster.saveJson());
    loaded.predict(valid);
    booster.gainImportance();
    loaded.free();
    booster.free();
    valid.free();
    train.free();
  };
  // glibc's per-thread arenas (one per OpenMP worker) grow for the first ~20
  // cycles and then plateau; warm up past that so growth means a leak.
  for (let i = 0; i < 20; i++) cycle();
  const rss = () => {
    collectGarbage();
    return process.memoryUsage().rss / 1024 / 1024;
  };
  const before = rss();
  const started = performance.now();
  for (let i = 0; i < cycles / 2; i++) cycle();
  const middle = rss();
  for (let i = 0; i < cycles / 2; i++) cycle();
  const after = rss();
  report.note(
    `XGBoost ${cycles} train-and-free cycles after 20 warm-up cycles (${rows.toLocaleString('en')} × ${cols}, 40 rounds with early stopping, predict, save, load, importance): ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  report.figure('  RSS before', before, 'MB');
  report.figure('  RSS after 25 cycles', middle, 'MB');
  report.figure('  RSS after 50 cycles', after, 'MB');
  report.figure(
    '  RSS growth over 50 cycles',
    after - before,
    'MB',
    'goal: no growth beyond noise (a few MB either way)',
  );
  // The allocator may still hand memory back during the first half; the second half is steady state.
  report.figure('  RSS growth over cycles 26–50', after - middle, 'MB', 'goal: ~0');
}

/** A full GC when the runtime allows it, so RSS reflects live memory. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as (() => void) | undefined;
  gc?.();
}

function sequences(
  samples: number,
  timesteps: number,
  features: number,
  seed: number,
): SequenceSet {
  const random = createRandom(seed);
  const x = new Float32Array(samples * timesteps * features);
  for (let i = 0; i < x.length; i++) x[i] = random.normal();
  const y = new Float32Array(samples);
  for (let s = 0; s < samples; s++) {
    const last = ((s + 1) * timesteps - 1) * features;
    y[s] = 0.5 * x[last] + 0.3 * x[last - features] + 0.1 * random.normal();
  }
  return { x, y, samples };
}

async function lstmThroughput(report: BenchReporter): Promise<void> {
  const timesteps = 20;
  const features = 12;
  const runs: {
    backend: TfBackendPreference;
    samples: number;
    epochs: number;
    batchSize?: number;
  }[] = [
    { backend: 'wasm', samples: 8192, epochs: 3 },
    { backend: 'wasm', samples: 4096, epochs: 1, batchSize: 64 },
    { backend: 'cpu', samples: 1024, epochs: 1 },
  ];
  for (const run of runs) {
    const { backend, version } = await initTensorflow(run.backend);
    const config = lstmConfig({
      features,
      epochs: run.epochs,
      patience: run.epochs,
      ...(run.batchSize ? { batchSize: run.batchSize } : {}),
    });
    const train = sequences(run.samples, timesteps, features, 1);
    const valid = sequences(Math.floor(run.samples / 4), timesteps, features, 2);
    const perEpoch: number[] = [];
    const result = await trainLstm(train, valid, config, {
      onEpoch: (epoch) => perEpoch.push(epoch.samplesPerSecond),
    });
    try {
      const label = `LSTM train on ${backend} (tfjs ${version}), T=${timesteps}, F=${features}, ${config.units} units, dense ${config.denseUnits}, batch ${config.batchSize}, ${run.samples} samples`;
      report.figure(
        label,
        result.samplesPerSecond,
        'samples/s per epoch',
        backend === 'wasm' && config.batchSize === 256 ? 'goal ≥ 2,000 on wasm' : undefined,
      );
      if (perEpoch.length > 1) {
        report.note(`  per epoch: ${perEpoch.map((v) => Math.round(v)).join(', ')} samples/s`);
      }
      if (backend === 'wasm' && config.batchSize === 256) {
        const started = performance.now();
        result.model.predict(valid.x, valid.samples);
        report.figure(
          'LSTM predict (tfjs-layers model) on wasm',
          valid.samples / ((performance.now() - started) / 1000),
          'samples/s',
        );
      }
    } finally {
      result.model.dispose();
    }
  }
  await initTensorflow('wasm');
}
