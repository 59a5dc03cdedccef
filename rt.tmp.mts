import { readConfig } from './src/config.ts';
import { noProgress } from './src/context.ts';
import { createMemoryLogger } from './src/log.ts';
import { LstmModel } from './src/models/lstm/index.ts';
import { PriceStore } from './src/store/price-store.ts';
import { loadPanel } from './src/training/panel.ts';
import { resolveUniverse } from './src/universe.ts';
import { train } from './src/jobs/train.ts';
import { lstmDir } from './src/registry/layout.ts';
import { homePaths } from './src/home.ts';
const home = homePaths('/work/homes/bt3');
const config = readConfig(home.config, false);
const ctx: any = { home, config, log: createMemoryLogger('quiet'), now: () => new Date(), lockWaitSeconds: 0, progress: noProgress };
let t = performance.now();
const store = PriceStore.open(home.db, { readonly: true });
const symbols = resolveUniverse(ctx, store, {});
const panel = loadPanel(store, symbols, '2020-12-31', config);
store.close();
console.log('panel', ((performance.now() - t) / 1000).toFixed(1));
let warm: any;
for (const until of ['2019-05-31', '2019-06-28', '2019-07-31']) {
  t = performance.now(); const c = process.cpuUsage();
  const r = await train(ctx, { until, promote: 'never', walkForward: false, panel, ...(warm ? { lstmWarmStart: warm } : {}) });
  const u = process.cpuUsage(c);
  console.log(until, 'wall', ((performance.now() - t) / 1000).toFixed(1), 'cpu', ((u.user + u.system) / 1e6).toFixed(1), JSON.stringify(r.fit ?? r.info ?? Object.keys(r)));
  warm?.dispose();
  warm = await LstmModel.load(lstmDir(r.dir));
}
