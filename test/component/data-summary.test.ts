import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { calendarFor } from '../../src/calendar/index.ts';
import { importFiles } from '../../src/commands/data-import.ts';
import { doctor } from '../../src/commands/doctor.ts';
import { listStored, showStored } from '../../src/commands/data-ls.ts';
import { fetchData } from '../../src/commands/data-fetch.ts';
import type { Context } from '../../src/context.ts';
import { PriceStore } from '../../src/store/price-store.ts';
import { assessQuality } from '../../src/store/quality.ts';
import { withRawDb } from '../helpers/raw-db.ts';
import { testContext } from '../helpers/context.ts';
import { skipWithoutSp500, sp500Files } from '../helpers/shared-data.ts';

/** What data ls used to compute from every bar: the reference the stored summaries must equal. */
function fromAllBars(ctx: Context) {
  const store = PriceStore.open(ctx.home.db);
  try {
    return store.symbolNames().map((symbol) => {
      const info = store.symbolInfo(symbol);
      const series = store.adjusted(symbol);
      const q = assessQuality(series, calendarFor(info!.exchange, info!.timezone));
      return {
        symbol,
        first: series.dates[0],
        last: series.dates.at(-1),
        rows: series.dates.length,
        missing_sessions: q.missing_sessions.length,
        zero_volume_days: q.zero_volume_days.length,
        splits: q.splits.length,
        dividends: q.dividends.length,
        suspicious_moves: q.suspicious_moves.length,
      };
    });
  } finally {
    store.close();
  }
}

async function listed(ctx: Context) {
  return (await listStored(ctx)).map((s) => ({
    symbol: s.symbol,
    first: s.first,
    last: s.last,
    rows: s.rows,
    missing_sessions: s.missing_sessions,
    zero_volume_days: s.zero_volume_days,
    splits: s.splits,
    dividends: s.dividends,
    suspicious_moves: s.suspicious_moves,
  }));
}

describe('data ls reads per-symbol summaries kept with the bars', () => {
  it('they equal the figures computed from every bar, and follow revisions', async () => {
    const ctx = testContext({ now: '2022-01-03T12:00:00Z' });
    await fetchData(ctx, {
      symbols: [],
      source: 'synthetic',
      count: 4,
      seed: 3,
      from: '2015-01-01',
      to: '2021-12-31',
    });
    assert.deepEqual(await listed(ctx), fromAllBars(ctx));
    assert.ok((await listed(ctx)).some((s) => s.splits > 0 || s.dividends > 0));

    // A revision: a missing session, a zero-volume day and a 4:1 split appear.
    withRawDb(ctx.home.db, (db) =>
      db.prepare("DELETE FROM bars WHERE symbol = 'SYN002' AND date = '2021-06-15'").run(),
    );
    const store = PriceStore.open(ctx.home.db);
    const bars = store.bars('SYN002', { from: '2021-06-16' });
    store.transaction(() =>
      store.upsertBars(
        'SYN002',
        bars.map((b, i) => (i === 0 ? { ...b, volume: 0, split: 4 } : b)),
        'synthetic',
        'later',
      ),
    );
    store.close();
    const after = (await listed(ctx)).find((s) => s.symbol === 'SYN002');
    assert.deepEqual(
      after,
      fromAllBars(ctx).find((s) => s.symbol === 'SYN002'),
    );
    assert.equal(after?.zero_volume_days, 1);
  });

  it('data ls reads no bar, and data show reads only its own symbol: the store size does not matter', async () => {
    const ctx = testContext({ now: '2022-01-03T12:00:00Z' });
    await fetchData(ctx, {
      symbols: [],
      source: 'synthetic',
      count: 3,
      seed: 2,
      from: '2020-01-01',
      to: '2021-12-31',
    });
    const statements: string[] = [];
    const prepare = Database.prototype.prepare;
    const bars = PriceStore.prototype.bars;
    const barsRead: string[] = [];
    Database.prototype.prepare = function (this: Database.Database, sql: string) {
      statements.push(sql);
      return prepare.call(this, sql);
    } as typeof prepare;
    PriceStore.prototype.bars = function (this: PriceStore, symbol, options) {
      barsRead.push(symbol);
      return bars.call(this, symbol, options);
    };
    try {
      assert.equal((await listStored(ctx)).length, 3);
      assert.deepEqual(barsRead, [], 'data ls reads no bar');
      await showStored(ctx, 'SYN002');
      assert.deepEqual([...new Set(barsRead)], ['SYN002']);
      // No statement aggregates or scans the bars of every symbol.
      const scans = statements.filter((sql) => /\bbars\b/.test(sql) && !/symbol = \?/.test(sql));
      assert.deepEqual(scans, []);
    } finally {
      Database.prototype.prepare = prepare;
      PriceStore.prototype.bars = bars;
    }
  });

  it('a store from before summaries (schema 2) gets them when a writer opens it; a reader says it needs the migration', async () => {
    const ctx = testContext({ now: '2022-01-03T12:00:00Z' });
    await fetchData(ctx, {
      symbols: [],
      source: 'synthetic',
      count: 3,
      seed: 9,
      from: '2020-01-01',
      to: '2021-12-31',
    });
    const expected = await listed(ctx);
    withRawDb(ctx.home.db, (db) => db.exec('DROP TABLE bar_summaries; PRAGMA user_version = 2;'));
    // Readers open the store read-only: they never migrate it.
    await assert.rejects(() => listed(ctx), /needs a schema migration/);
    PriceStore.open(ctx.home.db).close();
    assert.deepEqual(await listed(ctx), expected);
    const detail = await showStored(ctx, 'SYN001');
    assert.equal(detail.rows, expected[0].rows);
  });

  it(
    'on the 55 real files, every figure equals the one from all bars',
    { skip: skipWithoutSp500 },
    async () => {
      const ctx = testContext();
      await importFiles(ctx, { files: sp500Files(), onBadRow: 'fail' });
      const list = await listed(ctx);
      assert.equal(list.length, 55);
      assert.deepEqual(list, fromAllBars(ctx));
      assert.equal(list.find((s) => s.symbol === 'MNST')?.zero_volume_days, 22);
      assert.equal(list.find((s) => s.symbol === 'VIAC')?.missing_sessions, 5);
    },
  );
});

describe('bars stored before mlx checked them', () => {
  it('doctor names them and exits 1; --repair moves them into bar_revisions, never losing them', async () => {
    const ctx = testContext({ now: '2022-01-03T12:00:00Z' });
    await fetchData(ctx, {
      symbols: [],
      source: 'synthetic',
      count: 2,
      seed: 4,
      from: '2021-01-04',
      to: '2021-12-31',
    });
    withRawDb(ctx.home.db, (db) => {
      const copy = (date: string) =>
        db
          .prepare(
            `INSERT INTO bars SELECT symbol, ?, open, high, low, close, volume, dividend, split, adj_close, source, fetched_at
             FROM bars WHERE symbol = 'SYN001' AND date = '2021-12-31'`,
          )
          .run(date);
      copy('6221-03-01');
      copy('2021-12-25');
      db.exec("UPDATE bars SET high = low / 2 WHERE symbol = 'SYN002' AND date = '2021-06-01'");
    });

    const check = await doctor(ctx, { repair: false, reindex: false });
    assert.equal(check.exit_code, 1);
    const bars = check.checks.find((c) => c.name === 'stored bars');
    assert.equal(bars?.ok, false);
    assert.match(bars?.detail ?? '', /3 stored bar\(s\) fail the bar checks/);
    assert.match(bars?.detail ?? '', /SYN001 2021-12-25: 2021-12-25 is not a NYSE session/);
    assert.match(bars?.detail ?? '', /SYN001 6221-03-01: 6221-03-01 is after today/);
    assert.match(bars?.detail ?? '', /SYN002 2021-06-01: high .* is below low/);
    assert.match(bars?.hint ?? '', /--repair removes them .*\(bar_revisions\)/);

    const repaired = await doctor(ctx, { repair: true, reindex: false });
    assert.equal(repaired.bars_removed, 3);
    assert.equal(repaired.exit_code, 0);
    const kept = withRawDb(ctx.home.db, (db) =>
      db
        .prepare(
          "SELECT symbol, date FROM bar_revisions WHERE source = 'doctor' ORDER BY symbol, date",
        )
        .all(),
    );
    const after = PriceStore.open(ctx.home.db);
    assert.deepEqual(kept, [
      { symbol: 'SYN001', date: '2021-12-25' },
      { symbol: 'SYN001', date: '6221-03-01' },
      { symbol: 'SYN002', date: '2021-06-01' },
    ]);
    assert.equal(after.symbolSummary('SYN001')?.last, '2021-12-31');
    after.close();
    assert.equal((await doctor(ctx, { repair: false, reindex: false })).exit_code, 0);
  });
});
