import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveUniverse } from '../../src/universe.ts';
import { PriceStore } from '../../src/store/price-store.ts';
import { cutMemory, datasetUntil } from '../../src/dataset/dataset-until.ts';
import { buildDataset, loadPanel } from '../../src/dataset/panel.ts';
import { syntheticHome } from '../helpers/loop.ts';

/** Equal within 1e-9 relative: prices adjusted from a later anchor differ in the last bits. */
const same = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    assert.ok(
      Math.abs(a[i] - b[i]) <= 1e-9 * Math.max(1, Math.abs(b[i])),
      `${what}[${i}]: ${a[i]} vs ${b[i]}`,
    );
  }
};

describe('a replay computes features once', () => {
  it('the dataset of a longer panel cut at `until` equals the dataset of a panel loaded up to it', async () => {
    const ctx = await syntheticHome(6, 21);
    const store = PriceStore.open(ctx.home.db);
    try {
      const symbols = resolveUniverse(ctx, store, {});
      const until = '2021-06-30';
      const cut = buildDataset(
        loadPanel(store, symbols, '2021-12-31', ctx.config),
        5,
        ctx.config,
        until,
      );
      const loaded = buildDataset(loadPanel(store, symbols, until, ctx.config), 5, ctx.config);
      assert.deepEqual(cut.dates, loaded.dates);
      assert.equal(cut.rows, loaded.rows);
      same(cut.x, loaded.x, 'features');
      same(cut.y, loaded.y, 'labels');
      same(cut.label, loaded.label, 'processed labels');
      same(cut.ranks, loaded.ranks, 'feature ranks');
      same(cut.dateMean, loaded.dateMean, 'date means');
      // The last h labelled dates of the cut have no future yet, as if the data ended there.
      assert.ok(Number.isNaN(cut.y[cut.rows - 1]));
    } finally {
      store.close();
    }
  });

  it("a retrain's cut of the replay's dataset is the dataset built up to its date, value for value", async () => {
    const ctx = await syntheticHome(6, 21);
    const store = PriceStore.open(ctx.home.db, { readonly: true });
    try {
      const panel = loadPanel(store, resolveUniverse(ctx, store, {}), '2021-12-31', ctx.config);
      const full = buildDataset(panel, 5, ctx.config, '2021-12-31');
      // Written into one memory in turn, a longer cut before a shorter, as into new memory.
      const memory = cutMemory(full);
      for (const until of ['2021-06-30', '2020-03-31', '2021-07-02']) {
        const built = buildDataset(panel, 5, ctx.config, until);
        for (const cut of [
          datasetUntil(full, panel, until),
          datasetUntil(full, panel, until, memory),
        ]) {
          assert.ok(cut.rows < full.rows && cut.rows > 0);
          for (const [key, value] of Object.entries(built)) {
            const ours = cut[key as keyof typeof cut];
            if (ArrayBuffer.isView(value))
              assert.deepEqual(
                Array.from(ours as Float64Array),
                Array.from(value as Float64Array),
                `${until} ${key}`,
              );
            else assert.deepEqual(ours, value, `${until} ${key}`);
          }
        }
        const cut = datasetUntil(full, panel, until, memory);
        assert.equal(cut.x.buffer, memory.x.buffer);
        // Some labels known in the whole dataset are not yet known at the cut.
        const unknown = (d: typeof cut) => d.y.filter(Number.isNaN).length;
        assert.ok(unknown(cut) > 0 && unknown(cut) <= 6 * 5 + 6);
      }
    } finally {
      store.close();
    }
  });
});
