import assert from 'node:assert/strict';
import fs from 'node:fs';
import { DataError, UsageError } from '../../src/errors.ts';
import { Home } from '../../src/home-files/home.ts';
import { train } from '../../src/jobs/train.ts';
import { testContext } from '../helpers/context.ts';
import { syntheticHome } from '../helpers/loop.ts';
import { withRawDb } from '../helpers/raw-db.ts';
import { describe, it } from '../helpers/suite.ts';

const SYMBOL = {
  symbol: 'AAA',
  exchange: 'US',
  timezone: 'America/New_York',
  currency: 'USD',
  name: 'A',
  sector: null,
  synthetic: false,
};

describe('the Home opens the store', () => {
  it('for writing only under the write lock, which it holds while the work runs', async () => {
    const ctx = testContext();
    const home = Home.of(ctx);
    await home.withWriteLock(
      ctx,
      'test',
      (access) => {
        assert.ok(fs.existsSync(ctx.home.lock), 'the lock is held');
        const store = access.openStore('create');
        try {
          store.upsertSymbol(SYMBOL, 'test', '2021-04-22T12:00:00Z');
        } finally {
          store.close();
        }
      },
      { createHome: true },
    );
    assert.equal(fs.existsSync(ctx.home.lock), false, 'the lock is released');
    const store = home.readExistingStore();
    try {
      assert.equal(store.symbolInfo('AAA')?.name, 'A');
    } finally {
      store.close();
    }
  });

  it('read-only for readers: nothing written, no WAL switch, no migration', async () => {
    const ctx = testContext();
    const home = Home.of(ctx);
    await home.withWriteLock(ctx, 'test', (access) => access.openStore('create').close(), {
      createHome: true,
    });
    withRawDb(ctx.home.db, (db) => db.pragma('journal_mode = DELETE'));

    const store = home.readExistingStore();
    try {
      assert.throws(() => store.upsertSymbol(SYMBOL, 'test', '2021-04-22T12:00:00Z'), /readonly/i);
    } finally {
      store.close();
    }
    withRawDb(ctx.home.db, (db) => {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'delete');
      db.pragma('user_version = 1');
    });
    assert.throws(() => home.readStore(), /needs a schema migration/);
  });

  it('refuses a reader a store the home lacks, and a folder that is no home', async () => {
    const ctx = testContext();
    const home = Home.of(ctx);
    assert.equal(home.readStore(), null);
    assert.throws(() => home.readExistingStore(), DataError);
    await assert.rejects(
      home.usingReadStore(() => null),
      UsageError,
    );
  });

  it('train reads its bars read-only: the store is not switched to WAL or written', async () => {
    const ctx = await syntheticHome(4);
    withRawDb(ctx.home.db, (db) => db.pragma('journal_mode = DELETE'));
    const before = fs.readFileSync(ctx.home.db);
    await train(ctx, { promote: 'never', walkForward: false, until: '2021-06-30' });
    withRawDb(ctx.home.db, (db) =>
      assert.equal(db.pragma('journal_mode', { simple: true }), 'delete'),
    );
    assert.ok(fs.readFileSync(ctx.home.db).equals(before), 'the store file is unchanged');
  });
});
