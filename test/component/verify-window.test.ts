import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verify } from '../../src/commands/verify.ts';
import { ledgerHome, ledgerRecords, predictSessions } from '../helpers/ledger.ts';

const SYMBOLS = ['SYN001', 'SYN002', 'SYN003'];

describe('verify --since chooses what is printed, never what is scored', () => {
  it('a weekly verify --since 7d that missed weeks scores them too, and counts them apart', async () => {
    // The clock is Monday 2022-01-03; the market data ends 2021-12-31.
    const ctx = await ledgerHome(3, '2022-01-03T12:00:00Z');
    // Targets 2021-11-08 and 2021-11-09 (weeks ago), 2021-12-28 (in the window), 2022-01-03 (not due).
    predictSessions(ctx, SYMBOLS, ['2021-11-01', '2021-11-02', '2021-12-20', '2021-12-27']);

    const dry = await verify(ctx, { since: '7d', dryRun: true, fetch: false });
    assert.equal(dry.verified.length, 9);

    const weekly = await verify(ctx, { since: '7d', dryRun: false, fetch: false });
    assert.equal(weekly.verified.length, 9, 'every due prediction is scored');
    assert.deepEqual(
      weekly.shown.map((v) => v.target_date),
      ['2021-12-28', '2021-12-28', '2021-12-28'],
    );
    assert.equal(weekly.outside_window, 6);
    assert.equal(weekly.pending, 3);
    assert.equal(ledgerRecords(ctx.home.verificationsDir).length, 9);
    // In verification order (as_of, symbol), whatever the window.
    assert.deepEqual(
      weekly.verified.map((v) => v.as_of),
      [...weekly.verified.map((v) => v.as_of)].sort(),
    );

    const again = await verify(ctx, { since: '7d', dryRun: false, fetch: false });
    assert.equal(again.verified.length, 0);
    assert.equal(again.already_verified, 9);
    assert.equal(again.outside_window, 0);
  });

  it('--until narrows the printed list the same way', async () => {
    const ctx = await ledgerHome(3, '2022-01-03T12:00:00Z');
    predictSessions(ctx, SYMBOLS, ['2021-11-01', '2021-12-20']);
    const result = await verify(ctx, { until: '2021-11-30', dryRun: false, fetch: false });
    assert.equal(result.verified.length, 6);
    assert.equal(result.shown.length, 3);
    assert.equal(result.outside_window, 3);
  });
});
