import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveUniverse } from '../../src/universe.ts';
import { PriceStore } from '../../src/store/price-store.ts';
import { buildDataset, loadPanel, type Dataset } from '../../src/dataset/panel.ts';
import { fitScaler } from '../../src/dataset/scaler.ts';
import { loadXGBoost } from '../../src/models/xgboost/index.ts';
import {
  fitEnsemble,
  perSymbolUnits,
  POOLED,
  scoreRows,
  type FitUnit,
} from '../../src/training/ensemble.ts';
import { finalFitRows } from '../../src/training/walk-forward.ts';
import { syntheticHome } from '../helpers/loop.ts';

/** Equal element by element, NaN equal to NaN. */
function sameScores(actual: Float64Array | undefined, expected: Float64Array | undefined) {
  assert.ok(actual && expected);
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++)
    assert.ok(Object.is(actual[i], expected[i]), `row ${i}: ${actual[i]} vs ${expected[i]}`);
}

describe('the validation scores the head is fitted on', () => {
  it("are each model's scores of the validation rows, the LSTM's made as soon as it is fitted", async () => {
    const ctx = await syntheticHome(5, 17);
    const store = PriceStore.open(ctx.home.db);
    let data: Dataset;
    try {
      const symbols = resolveUniverse(ctx, store, {});
      data = buildDataset(loadPanel(store, symbols, '2021-12-31', ctx.config), 5, ctx.config);
    } finally {
      store.close();
    }
    const models = ['xgb', 'lstm'] as const;
    const { window, trainRows, validRows } = finalFitRows(data, models, ctx.config.train, 5);
    const scaler = fitScaler(data, (r) => data.dateIndex[r] <= window.trainEnd);
    const cases: [string, readonly FitUnit[], boolean][] = [
      ['pooled', POOLED, false],
      ['pooled, XGBoost on its own thread', POOLED, true],
      // Units interleave in the validation rows (one date, every symbol): positions matter.
      ['per symbol', perSymbolUnits(data), false],
    ];
    const xgbLib = loadXGBoost();
    const common = { data, scaler, trainRows, validRows, models, seed: 3, xgbLib };
    for (const [name, units, beside] of cases) {
      const fitted = await fitEnsemble({
        ...common,
        settings: ctx.config.train,
        units,
        ...(beside ? { xgbBeside: true, xgbThreads: 1 } : {}),
      });
      assert.ok(fitted, name);
      try {
        const rescored = scoreRows(fitted, data, validRows, ['xgb', 'lstm']);
        assert.ok(
          fitted.validation.rows.every((r, i) => r === validRows[i]),
          name,
        );
        sameScores(fitted.validation.scores.lstm, rescored.lstm);
        sameScores(fitted.validation.scores.xgb, rescored.xgb);
        assert.ok(rescored.lstm?.some(Number.isFinite), `${name}: the LSTM scored no row`);
      } finally {
        fitted.free();
      }
    }
  });
});
