import assert from 'node:assert/strict';
import { before, describe, it } from '../helpers/suite.ts';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { explainPrediction } from '../../src/commands/explain.ts';
import { exportData } from '../../src/commands/export.ts';
import { buildReport } from '../../src/commands/report.ts';
import { importFiles } from '../../src/commands/data-import.ts';
import { predict } from '../../src/commands/predict.ts';
import { train } from '../../src/commands/train.ts';
import type { Context } from '../../src/context.ts';
import { UsageError } from '../../src/errors.ts';
import { explainTargets } from '../../src/explain/targets.ts';
import type { PredictionV2 } from '../../src/ledger/records.ts';
import { xgboostStatus } from '../../src/models/xgboost/index.ts';
import { forecastTargets } from '../../src/prediction/score.ts';
import { loadModel } from '../../src/registry/loaded-model.ts';
import { ModelRegistry } from '../../src/registry/registry.ts';
import { PriceStore } from '../../src/store/price-store.ts';
import { predictXgb } from '../../src/inference/score-components.ts';
import { loadPanel } from '../../src/dataset/panel.ts';
import { tempHome } from '../helpers/cli.ts';
import { testContext } from '../helpers/context.ts';
import { smallTrainingConfig, syntheticHome } from '../helpers/loop.ts';
import { skipWithoutSp500, sp500Files } from '../helpers/shared-data.ts';

const status = xgboostStatus();
const noXgb = status.available ? false : `libxgboost is not installed: ${status.reason}`;

/**
 * For each recorded prediction: recompute XGBoost's inputs as predict does, ask the booster
 * for its prediction, and check the explanation adds up to it.
 */
async function checkAgainstBooster(ctx: Context, records: readonly PredictionV2[]) {
  const model = await loadModel(
    new ModelRegistry(ctx.home.modelsDir),
    ctx.config.modelName,
    ctx.config.regime,
  );
  const store = PriceStore.open(ctx.home.db);
  try {
    const manifest = model.version.manifest;
    const panel = loadPanel(
      store,
      manifest.symbols,
      records[0].as_of,
      ctx.config,
      manifest.symbols,
    );
    const targets = records.map((r) => {
      const entry = panel.symbols.find((p) => p.symbol === r.symbol);
      assert.ok(entry);
      return { panel: entry, row: entry.features.dates.indexOf(r.as_of) };
    });
    const forecasts = forecastTargets(
      model,
      panel,
      targets,
      new Map(),
      ctx.config.signalWeights,
      ctx.config.adaptation,
    );
    const explanations = explainTargets(model, targets, forecasts);
    const unit = model.unitFor(records[0].symbol);
    assert.ok(unit?.xgb && model.xgbLib);
    const width = forecasts[0].xgbInputs?.length ?? 0;
    assert.equal(width, manifest.feature_set.names.length + model.featureRanks.length);
    const inputs = new Float32Array(records.length * width);
    forecasts.forEach((f, i) => inputs.set(f.xgbInputs as Float32Array, i * width));
    const booster = predictXgb(model.xgbLib, unit.xgb, inputs, records.length, width);
    records.forEach((record, i) => {
      const explanation = explanations[i];
      assert.ok(explanation);
      const sum = (list: { contribution: number }[]) =>
        list.reduce((a, c) => a + c.contribution, explanation.bias);
      // Both views add up to XGBoost's own prediction on the same inputs.
      assert.ok(
        Math.abs(explanation.margin - booster[i]) < 1e-5,
        `${explanation.margin} vs ${booster[i]}`,
      );
      assert.ok(Math.abs(sum(explanation.features) - booster[i]) < 1e-5);
      assert.ok(Math.abs(sum(explanation.inputs) - booster[i]) < 1e-5);
      assert.equal(explanation.inputs.length, width);
      assert.equal(explanation.features.length, manifest.feature_set.names.length);
      // ... and to the score the record holds (scaled by the head, 6 decimals).
      assert.ok(
        Math.abs((record.components.xgb as number) * model.head.scale.xgb - booster[i]) <
          1e-6 * model.head.scale.xgb + 1e-9,
      );
      // The record's explain is the top 5 of the per-feature view, values in raw units.
      assert.deepEqual(
        record.explain?.map((c) => c.feature),
        explanation.features.slice(0, 5).map((c) => c.feature),
      );
      const target = targets[i];
      const names = target.panel.features.names;
      for (const c of record.explain ?? []) {
        const raw =
          target.panel.features.values[target.row * names.length + names.indexOf(c.feature)];
        assert.ok(Math.abs(c.value - raw) <= 1e-7 * Math.max(1, Math.abs(raw)), `${c.feature}`);
      }
    });
  } finally {
    store.close();
    model.free();
  }
}

describe('explanations of predictions on a synthetic market', { skip: noXgb }, () => {
  let ctx: Context & { lines: string[] };
  let records: PredictionV2[];

  before(async () => {
    ctx = await syntheticHome();
    await train(ctx, { promote: 'always', until: '2021-10-29', walkForward: false });
    const result = await predict(ctx, { asOf: '2021-11-05', fetch: false, allowStale: true });
    records = result.appended as PredictionV2[];
    assert.equal(records.length, 8);
  });

  it('every record carries the top 5 features; bias + contributions = the booster prediction', async () => {
    for (const record of records) {
      assert.equal(record.explain?.length, 5);
      const sizes = (record.explain ?? []).map((c) => Math.abs(c.contribution));
      assert.deepEqual(
        sizes,
        [...sizes].sort((a, b) => b - a),
      );
    }
    await checkAgainstBooster(ctx, records);
  });

  it('mlx explain ID: all contributions, the bias and the margin; --inputs per XGBoost input', async () => {
    const record = records[3];
    const byFeature = await explainPrediction(ctx, { id: record.id.slice(0, 10) });
    assert.equal(byFeature.prediction_id, record.id);
    assert.equal(byFeature.by, 'feature');
    const total = (list: { contribution: number }[]) =>
      list.reduce((a, c) => a + c.contribution, byFeature.bias);
    assert.ok(Math.abs(total(byFeature.contributions) - byFeature.margin) < 1e-9);
    assert.ok(Math.abs((byFeature.recorded_margin as number) - byFeature.margin) < 1e-5);
    assert.deepEqual(
      byFeature.contributions.slice(0, 5).map((c) => c.feature),
      record.explain?.map((c) => c.feature),
    );
    const byInput = await explainPrediction(ctx, {
      symbol: record.symbol,
      asOf: record.as_of,
      inputs: true,
    });
    assert.equal(byInput.by, 'input');
    assert.ok(byInput.contributions.some((c) => c.feature.endsWith('_cs_rank')));
    assert.ok(Math.abs(total(byInput.contributions) - byInput.margin) < 1e-9);
    assert.ok(Math.abs(byInput.margin - byFeature.margin) < 1e-9);
    // The other components, with the head's weights and the stock's.
    assert.deepEqual(
      byFeature.components.map((c) => c.name),
      ['xgb', 'lstm', 'rules'],
    );
    const weights = byFeature.components.reduce((a, c) => a + c.head_weight, 0);
    assert.ok(Math.abs(weights - 1) < 1e-9);
    assert.ok(Array.isArray(byFeature.components[2].signals));
  });

  it('features.parquet holds exactly the inputs XGBoost saw for a prediction', async () => {
    const out = path.join(tempHome('mlx-export-'), 'export');
    await exportData(ctx, { what: ['features'], format: 'parquet', out });
    const record = records[5];
    const seen = await explainPrediction(ctx, { id: record.id, inputs: true });
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const [row] = (
        await connection.runAndReadAll(
          `SELECT * FROM '${path.join(out, 'features.parquet')}' WHERE symbol = '${record.symbol}' AND date = DATE '${record.as_of}'`,
        )
      ).getRowObjectsJson();
      assert.ok(row);
      for (const input of seen.contributions) {
        const column = input.feature.endsWith('_cs_rank')
          ? input.feature
          : `${input.feature}_scaled`;
        assert.equal(row[column], input.value, column);
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('mlx report --symbol X: which features drove its recent predictions', async () => {
    for (const asOf of ['2021-11-08', '2021-11-09'])
      await predict(ctx, { asOf, fetch: false, allowStale: true });
    const symbol = records[0].symbol;
    const report = await buildReport(ctx, { symbol });
    assert.equal(report.drivers?.predictions, 3);
    assert.deepEqual([report.drivers?.from, report.drivers?.to], ['2021-11-05', '2021-11-09']);
    const features = report.drivers?.features ?? [];
    assert.ok(features.length >= 5);
    assert.ok(
      features.every(
        (d, i) => i === 0 || d.mean_abs_contribution <= features[i - 1].mean_abs_contribution,
      ),
    );
    assert.ok(features.some((d) => d.feature === records[0].explain?.[0].feature));
    assert.equal((await buildReport(ctx, {})).drivers, null);
  });

  it('an unknown or ambiguous id is a usage error', async () => {
    await assert.rejects(explainPrediction(ctx, { id: 'ffffff000000' }), UsageError);
    await assert.rejects(explainPrediction(ctx, { id: 'xyz' }), UsageError);
  });
});

describe(
  'explanations of a real prediction (S&P 500 prices)',
  { skip: noXgb || skipWithoutSp500 },
  () => {
    it('bias + contributions = XGBoost prediction for every symbol of a real session', async () => {
      const ctx = testContext({ now: '2022-01-03T12:00:00Z', config: smallTrainingConfig() });
      const files = sp500Files().filter((f) =>
        /\/(AAPL|MSFT|JPM|XOM|KO|PG|GE|NVDA|BAC|DUK)\.csv$/.test(f),
      );
      assert.equal(files.length, 10);
      await importFiles(ctx, { files, onBadRow: 'fail' });
      await train(ctx, { promote: 'always', until: '2019-10-31', walkForward: false });
      const result = await predict(ctx, { asOf: '2019-11-15', fetch: false, allowStale: true });
      assert.equal(result.appended.length, 10);
      await checkAgainstBooster(ctx, result.appended as PredictionV2[]);
    });
  },
);
