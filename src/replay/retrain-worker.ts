import { parentPort, workerData } from 'node:worker_threads';
import { noProgress, type Context } from '../context.ts';
import { createMemoryLogger } from '../log.ts';
import { LstmModel } from '../models/lstm/index.ts';
import { Home } from '../home-files/home.ts';
import { serialiseError } from '../threads.ts';
import { buildDataset, loadPanel } from '../dataset/panel.ts';
import { cutMemory } from '../dataset/dataset-until.ts';
import { resolveUniverse } from '../universe.ts';
import type { RetrainWorkerData, RetrainWorkerMessage } from './retrains.ts';
import { train } from '../jobs/train.ts';
import { lstmDir } from '../registry/layout.ts';

/**
 * The retrain thread of a backtest: the replay's features once (up to its last
 * session), then each retrain in order, posting each version as it is saved.
 */
const input = workerData as RetrainWorkerData;
const post = (message: RetrainWorkerMessage) => parentPort?.postMessage(message);

try {
  const ctx: Context = {
    home: input.home,
    config: input.config,
    // The backtest reports progress itself; a retrain's warnings are the replay's too.
    log: {
      ...createMemoryLogger('quiet'),
      warn: (message: string) => post({ kind: 'warning', message }),
    },
    now: () => new Date(),
    lockWaitSeconds: 0,
    progress: noProgress,
  };
  const store = Home.of(input).readExistingStore();
  let panel;
  try {
    const symbols = resolveUniverse(ctx, store, { symbols: input.symbols });
    panel = loadPanel(store, symbols, input.to, input.config);
  } finally {
    store.close();
  }
  // One dataset up to the last session: each retrain takes the rows and labels known by its date.
  const panelDataset = buildDataset(panel, input.config.horizonDays, input.config, input.to);
  // One retrain at a time: each cut is written over the last one's memory.
  const memory = cutMemory(panelDataset);
  let warmStart: LstmModel | undefined;
  for (const until of input.untils) {
    const result = await train(ctx, {
      until,
      promote: 'always',
      walkForward: false,
      panel,
      panelDataset,
      cutMemory: memory,
      // Last month's LSTM is the starting point: a pass or two adapts it.
      ...(warmStart ? { lstmWarmStart: warmStart } : {}),
    });
    post({ kind: 'trained', until, version: result.version });
    warmStart?.dispose();
    warmStart = result.models.includes('lstm')
      ? await LstmModel.load(lstmDir(result.dir))
      : undefined;
  }
  warmStart?.dispose();
} catch (err) {
  post({ kind: 'failed', error: serialiseError(err) });
}
