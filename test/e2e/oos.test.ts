import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { before, describe, test } from '../helpers/suite.ts';
import { runMlx, tempHome } from '../helpers/cli.ts';
import { dailyRankIcOf } from '../helpers/rank-ic.ts';
import { skipWithoutSp500, sp500Files } from '../helpers/shared-data.ts';

/** Parse oos.csv: a header, then one row per out-of-sample prediction; empty cells are null. */
function readOos(file: string): Record<string, string | number | null>[] {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const columns = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(
      columns.map((c, i) => [
        c,
        cells[i] === '' ? null : c === 'symbol' || c === 'as_of' ? cells[i] : Number(cells[i]),
      ]),
    );
  });
}

describe(
  'oos.csv: every walk-forward figure recomputed from the file and the source CSVs',
  {
    skip: skipWithoutSp500,
  },
  () => {
    const home = tempHome();
    let metrics: {
      horizon_days: number;
      walk_forward: Record<
        string,
        {
          rows: number;
          rank_ic: { mean: number };
          interval_coverage: number | null;
          brier: number | null;
          directional_accuracy: number | null;
        }
      >;
    };
    let rows: ReturnType<typeof readOos>;

    before(async () => {
      // Small enough for the test suite: XGBoost alone, three folds.
      fs.writeFileSync(
        path.join(home, 'mlx.config.json'),
        JSON.stringify({ train: { folds: 3, xgb: { rounds: 120 } } }),
      );
      const imported = await runMlx(['data', 'import', ...sp500Files(), '--quiet'], { home });
      assert.equal(imported.code, 0, imported.stderr);
      const trained = await runMlx(
        ['train', '--until', '2019-12-31', '--models', 'xgb', '--json'],
        {
          home,
        },
      );
      assert.equal(trained.code, 0, trained.stderr);
      const dir = JSON.parse(trained.stdout).dir as string;
      metrics = JSON.parse(fs.readFileSync(path.join(dir, 'metrics.json'), 'utf8'));
      rows = readOos(path.join(dir, 'oos.csv'));
    });

    test('one row per scored test row, with the realised return of the adjusted close', () => {
      assert.equal(rows.length, metrics.walk_forward.ensemble.rows);
      const horizon = metrics.horizon_days;
      const closes = new Map<string, Map<string, number[]>>();
      // Read straight from the AlphaVantage files (timestamp, …, adjusted_close, …), oldest first.
      for (const file of sp500Files()) {
        const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
        const columns = header.split(',');
        const [date, adjusted] = ['timestamp', 'adjusted_close'].map((c) => columns.indexOf(c));
        const cells = lines.map((line) => line.split(','));
        closes.set(
          path.basename(file, '.csv'),
          new Map(
            cells.map((c, i) => [
              c[date],
              [Number(c[adjusted]), Number(cells[i + horizon]?.[adjusted])],
            ]),
          ),
        );
      }
      for (const row of rows) {
        const [now, later] = closes.get(row.symbol as string)?.get(row.as_of as string) ?? [];
        const realised = Math.log(later / now);
        assert.ok(
          Math.abs((row.realised_log_return as number) - realised) < 1e-6,
          `${row.symbol} ${row.as_of}: ${row.realised_log_return} vs ${realised}`,
        );
        row.realised_from_csv = realised;
      }
    });

    test('the ensemble Rank IC recomputed from the file matches metrics.json within 0.0005', () => {
      const dates = [...new Set(rows.map((r) => r.as_of as string))].sort();
      const index = new Map(dates.map((d, i) => [d, i]));
      const recomputed = dailyRankIcOf(
        rows.map((r) => r.ensemble as number),
        rows.map((r) => r.realised_from_csv as number),
        rows.map((r) => index.get(r.as_of as string) as number),
      );
      const stated = metrics.walk_forward.ensemble.rank_ic.mean;
      assert.ok(Math.abs(recomputed - stated) < 0.0005, `${recomputed} vs ${stated}`);
    });

    test('coverage, Brier and direction recomputed from the file equal metrics.json', () => {
      const ensemble = metrics.walk_forward.ensemble;
      let covered = 0;
      let brier = 0;
      let hits = 0;
      for (const r of rows) {
        const realised = r.realised_log_return as number;
        const up = realised > 0 ? 1 : 0;
        if (realised >= (r.low as number) && realised <= (r.high as number)) covered++;
        brier += ((r.p_up as number) - up) ** 2;
        if (((r.p_up as number) >= 0.5 ? 1 : 0) === up) hits++;
      }
      const close = (a: number, b: number | null) =>
        assert.ok(b !== null && Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
      close(covered / rows.length, ensemble.interval_coverage);
      close(brier / rows.length, ensemble.brier);
      close(hits / rows.length, ensemble.directional_accuracy);
    });

    test('on a real ledger, no per-stock weight moves more than the documented step for one outcome', async () => {
      // Three weeks of live-style predictions after the training data, then one verify.
      const sessions = ['2020-01-02', '2020-01-03', '2020-01-06', '2020-01-07', '2020-01-08'];
      sessions.push('2020-01-09', '2020-01-10', '2020-01-13', '2020-01-14', '2020-01-15');
      for (const asOf of sessions) {
        const run = await runMlx(['predict', '--as-of', asOf, '--no-fetch', '--quiet'], { home });
        assert.equal(run.code, 0, run.stderr);
      }
      const verified = await runMlx(['verify', '--no-fetch', '--json'], { home });
      assert.equal(verified.code, 0, verified.stderr);
      const records = JSON.parse(verified.stdout) as {
        verification: { schema: string; actual_excess_pct?: number; universe_size?: number };
      }[];
      assert.equal(records.length, sessions.length * 55);
      assert.ok(records.every((r) => r.verification.schema === 'mlx.verification/2'));
      assert.ok(records.every((r) => r.verification.universe_size === 55));
      const db = new Database(path.join(home, 'data', 'mlx.db'), { readonly: true });
      const changes = db
        .prepare(
          `SELECT symbol, signal, previous, current FROM weight_changes
           WHERE symbol != '*' AND signal IN ('xgb', 'lstm', 'rules')`,
        )
        .all() as { previous: number; current: number }[];
      db.close();
      assert.ok(changes.length > 500, `${changes.length} changes`);
      const maxStep = 0.02; // adaptation.maxStep, README "How the weights adapt"
      for (const c of changes) {
        assert.ok(Math.abs(Math.log(c.current / c.previous)) <= maxStep + 1e-12, JSON.stringify(c));
      }
    });
  },
);
