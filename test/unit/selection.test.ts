import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cronLines, cronWord } from '../../src/commands/cron.ts';
import { selectPredictions } from '../../src/prediction/select.ts';
import type { Prediction } from '../../src/ledger/records.ts';
import { selectSymbols, type SymbolFigures } from '../../src/report/accuracy.ts';
import { foldDiagnostics } from '../../src/registry/diagnostics.ts';

const record = (symbol: string, probabilityUp: number, excess?: number) =>
  ({
    schema: excess === undefined ? 'mlx.prediction/1' : 'mlx.prediction/2',
    symbol,
    as_of: '2021-11-10',
    probability_up: probabilityUp,
    ...(excess === undefined ? {} : { expected_excess_pct: excess }),
  }) as unknown as Prediction;

test('predictions: --sort highest first (text A→Z), ties in ledger order, missing fields last, then --top', () => {
  const records = [
    record('C', 0.55, 0.1),
    record('A', 0.7),
    record('B', 0.55, 0.9),
    record('D', 0.61, -0.2),
  ];
  const symbols = (list: Prediction[]) => list.map((r) => r.symbol).join('');
  assert.equal(symbols(selectPredictions(records, {})), 'CABD');
  assert.equal(symbols(selectPredictions(records, { sort: 'probability_up' })), 'ADCB');
  assert.equal(symbols(selectPredictions(records, { sort: 'probability_up', top: 2 })), 'AD');
  assert.equal(
    symbols(selectPredictions(records, { sort: 'probability_up', ascending: true })),
    'CBDA',
  );
  // mlx.prediction/1 has no expected excess: last either way.
  assert.equal(symbols(selectPredictions(records, { sort: 'expected_excess_pct' })), 'BCDA');
  assert.equal(
    symbols(selectPredictions(records, { sort: 'expected_excess_pct', ascending: true })),
    'DCBA',
  );
  assert.equal(symbols(selectPredictions(records, { sort: 'symbol' })), 'ABCD');
  assert.throws(() => selectPredictions(records, { sort: 'luck' }), /--sort expects one of/);
});

test('report symbols: sorted by a figure, missing last, then --top', () => {
  const figures = [
    { symbol: 'A', hit_rate: 0.5, relative_hit_rate: null, count: 3 },
    { symbol: 'B', hit_rate: 0.7, relative_hit_rate: 0.4, count: 9 },
    { symbol: 'C', hit_rate: 0.6, relative_hit_rate: 0.6, count: 1 },
  ] as unknown as SymbolFigures[];
  const order = (list: SymbolFigures[]) => list.map((s) => s.symbol).join('');
  assert.equal(order(selectSymbols(figures, { sort: 'hit_rate' })), 'BCA');
  assert.equal(order(selectSymbols(figures, { sort: 'hit_rate', top: 1 })), 'B');
  assert.equal(order(selectSymbols(figures, { sort: 'relative_hit_rate' })), 'CBA');
  assert.equal(order(selectSymbols(figures, { sort: 'count', ascending: true })), 'CAB');
  assert.equal(order(selectSymbols(figures, {})), 'ABC');
});

test('cron lines: absolute paths, quoted for sh, % escaped for cron, output appended to the log', () => {
  assert.equal(cronWord('/usr/bin/node'), '/usr/bin/node');
  assert.equal(cronWord("/home/o'neil/my mlx"), `'/home/o'\\''neil/my mlx'`);
  assert.equal(cronWord('/data/100%'), '/data/100\\%');
  const berlin = { timeZone: 'Europe/Berlin', year: 2026 };
  const lines = cronLines(
    {
      node: '/usr/bin/node',
      mlx: '/opt/mlx/bin/mlx.js',
      home: '/home/me/mlx home',
      log: '/home/me/mlx home/cron.log',
    },
    berlin,
  );
  assert.deepEqual(
    lines.entries.map((e) => e.schedule),
    ['0 2 1 * *', '30 22 * * 1-5', '0 10 * * 6'],
  );
  assert.equal(
    lines.entries[1].line,
    "30 22 * * 1-5 /usr/bin/node /opt/mlx/bin/mlx.js --home '/home/me/mlx home' predict --wait 3600 >> '/home/me/mlx home/cron.log' 2>&1",
  );
  assert.match(lines.crontab, /^# mlx for the home \/home\/me\/mlx home/);
  assert.ok(lines.crontab.endsWith('\n'));
  const noLog = cronLines({ node: '/n', mlx: '/m', home: '/h', log: null }, berlin);
  assert.equal(noLog.entries[2].command, '/n /m --home /h verify --since 7d --wait 3600');
});

test('models show reads the folds of metrics.json, and names the file and field of a bad one', () => {
  const folds = foldDiagnostics(
    {
      folds: [
        {
          index: 1,
          test: { from: '2019-01-02', to: '2019-04-02', rows: 3000 },
          xgb: { rounds_run: 60, best_iteration: 41 },
          lstm: { epochs_run: 2, samples: 800, backend: 'wasm' },
          ensemble: { weights: { xgb: 0.7, lstm: 0.3, rules: 0 }, weighting: 'rank_ic' },
          ensemble_rank_ic: 0.031,
          coverage: 0.79,
        },
      ],
    },
    'metrics.json',
  );
  assert.equal(folds[0].xgb?.best_iteration, 41);
  assert.equal(folds[0].lstm?.samples, 800);
  assert.deepEqual(foldDiagnostics(null, 'metrics.json'), []);
  assert.throws(
    () => foldDiagnostics({ folds: [{ index: 1, test: { from: 1 } }] }, '/m/metrics.json'),
    /\/m\/metrics\.json: folds\.0\.test\.from: /,
  );
});
