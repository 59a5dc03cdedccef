import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '../../src/errors.ts';
import { readMetrics, writeMetrics } from '../../src/registry/metrics-file.ts';
import { readOos, writeOos } from '../../src/registry/oos-file.ts';
import { currentFormat, ModelRegistry } from '../../src/registry/registry.ts';
import { readScaler, writeScaler } from '../../src/registry/scaler-file.ts';
import { OOS_COLUMNS, type OosRow } from '../../src/training/oos.ts';
import { tempHome } from '../helpers/cli.ts';
import { describe, it } from '../helpers/suite.ts';

const fails = (work: () => unknown, message: RegExp) =>
  assert.throws(work, (err: unknown) => err instanceof DataError && message.test(err.message));

describe('a model version folder: each file written and read by registry/', () => {
  it('metrics.json: read as written, its mlx.metrics/1 tag and fields checked', () => {
    const dir = tempHome();
    assert.equal(readMetrics(dir), null, 'a version without metrics has none');
    writeMetrics(dir, {
      schema: 'mlx.metrics/1',
      horizon_days: 5,
      label: 'cs_rank',
      note: 'n',
      walk_forward: {},
      folds: [{ index: 0, test: { from: '2020-01-02', to: '2020-03-31', rows: 10 } }],
      verdicts: [],
    });
    const text = fs.readFileSync(path.join(dir, 'metrics.json'), 'utf8');
    assert.deepEqual(readMetrics(dir), JSON.parse(text));
    const file = path.join(dir, 'metrics.json');
    fs.writeFileSync(file, text.replace('mlx.metrics/1', 'mlx.metrics/9'));
    fails(() => readMetrics(dir), /metrics\.json: schema: /);
    fs.writeFileSync(file, text.replace('"horizon_days": 5', '"horizon_days": "5"'));
    fails(() => readMetrics(dir), /metrics\.json: horizon_days: /);
    fs.writeFileSync(file, text.slice(0, 40));
    fails(() => readMetrics(dir), /metrics\.json: not valid JSON/);
  });

  it('oos.csv: numbers at full precision, empty cells null; a damaged line is named', () => {
    const dir = tempHome();
    assert.equal(readOos(dir), null);
    const row = Object.fromEntries(OOS_COLUMNS.map((c) => [c, 0.1 + 0.2])) as OosRow;
    const rows: OosRow[] = [
      { ...row, symbol: 'AAPL', as_of: '2020-01-02', fold: 0, lstm: null },
      { ...row, symbol: 'KO', as_of: '2020-01-02', fold: 0, xgb: -1e-17 },
    ];
    writeOos(dir, rows);
    assert.deepEqual(readOos(dir), rows);
    const file = path.join(dir, 'oos.csv');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    fs.writeFileSync(
      file,
      [lines[0], lines[1].replace('AAPL,2020-01-02,0,', 'AAPL,2020-01-02,x,')].join('\n'),
    );
    fails(() => readOos(dir), /oos\.csv: line 2: fold: "x" is not a number/);
    fs.writeFileSync(file, [lines[0], 'AAPL,2020-01-02'].join('\n'));
    fails(() => readOos(dir), /oos\.csv: line 2: 2 cells where there are/);
  });

  it('scaler.json: the moments round-trip exactly; a missing field is named', () => {
    const dir = tempHome();
    const scaler = {
      featureNames: ['f0', 'f1'],
      pooled: { mean: Float64Array.of(2, 5), std: Float64Array.of(Math.sqrt(60 / 62), 1) },
      bySymbol: new Map([['A', { mean: Float64Array.of(2, 5), std: Float64Array.of(1, 1) }]]),
    };
    writeScaler(dir, scaler);
    assert.deepEqual(readScaler(dir), scaler);
    const file = path.join(dir, 'scaler.json');
    const document = JSON.parse(fs.readFileSync(file, 'utf8'));
    delete document.pooled.std;
    fs.writeFileSync(file, JSON.stringify(document));
    fails(() => readScaler(dir), /scaler\.json: pooled\.std: Required/);
    fs.rmSync(file);
    fails(() => readScaler(dir), /scaler\.json: the file is missing/);
  });

  it('manifest.json: a version with params of an older mlx is listed, and refused for use naming the field', () => {
    const root = tempHome();
    const dir = path.join(root, 'default', '20200101T000000Z');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'manifest.json'),
      JSON.stringify({
        schema: 'mlx.model/2',
        name: 'default',
        version: '20200101T000000Z',
        mlx_version: '0.1.0',
        created_at: '2020-01-01T00:00:00.000Z',
        data_range: { from: '2015-01-02', until: '2019-12-31' },
        symbols: ['AAPL'],
        feature_set: { id: 'fs1', hash: 'h', names: ['ret_1'] },
        lstm_features: [],
        label: { kind: 'forward_log_return', horizon_days: 5 },
        models: ['xgb'],
        per_symbol: false,
        params: { xgb: {}, lstm: null },
        seed: 42,
        libraries: {},
        training_rows: 1000,
      }),
    );
    const registry = new ModelRegistry(root);
    const [listed] = registry.versions('default');
    assert.equal(listed.manifest.version, '20200101T000000Z');
    fails(() => currentFormat(listed, ''), /manifest\.json: params\.walk_forward: Required/);
  });
});
