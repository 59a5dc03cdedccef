import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshnessCheck, type Freshness } from '../../src/doctor/freshness.ts';
import { byReason, overdueTargets, verificationCheck } from '../../src/doctor/verification.ts';
import { testContext } from '../helpers/context.ts';

const freshness = (behind: Record<string, [string, number]>, limit = 3): Freshness => {
  const symbols = Object.entries(behind).map(([symbol, [last, n]]) => ({
    symbol,
    last_bar: last,
    last_close: '2021-04-21',
    sessions_behind: n,
  }));
  const newest = symbols.reduce((a, b) => (b.last_bar > a.last_bar ? b : a));
  return {
    limit,
    newest_bar: newest.last_bar,
    sessions_behind: newest.sessions_behind,
    symbols,
  };
};

describe('doctor: data freshness against staleSessions', () => {
  it('within the limit: ok, with the newest bar', () => {
    const check = freshnessCheck(freshness({ AAPL: ['2021-04-21', 0], MSFT: ['2021-04-16', 3] }));
    assert.deepEqual(check, {
      name: 'data freshness',
      ok: true,
      detail:
        'newest bar 2021-04-21, 0 session(s) behind the last close 2021-04-21; all 2 symbol(s) within staleSessions (3)',
    });
  });

  it('behind it: fails, most behind first, with the fix', () => {
    const check = freshnessCheck(
      freshness({
        AAPL: ['2021-04-21', 0],
        KO: ['2021-04-15', 4],
        MSFT: ['2021-03-01', 36],
      }),
    );
    assert.equal(check.ok, false);
    assert.equal(
      check.detail,
      'newest bar 2021-04-21, 0 session(s) behind the last close 2021-04-21; 2 of 3 symbol(s) more than staleSessions (3) sessions behind, which mlx predict refuses: MSFT 36 (last bar 2021-03-01), KO 4 (last bar 2021-04-15)',
    );
    assert.match(check.hint ?? '', /^refresh the data: mlx data fetch/);
  });

  it('55 stale symbols make one short line', () => {
    const many = Object.fromEntries(
      Array.from({ length: 55 }, (_, i) => [
        `S${String(i).padStart(2, '0')}`,
        ['2021-04-21', 1413],
      ]),
    ) as Record<string, [string, number]>;
    const check = freshnessCheck(freshness(many));
    assert.match(
      check.detail,
      /55 of 55 symbol\(s\) .*S04 1413 \(last bar 2021-04-21\) and 50 more$/,
    );
    assert.ok(check.detail.length < 400, String(check.detail.length));
  });
});

describe('doctor: verification', () => {
  it('due predictions whose target is more than 7 days past are overdue', () => {
    const now = new Date('2021-04-22T12:00:00Z');
    const due = ['2021-04-16', '2021-04-14', '2021-04-15', '2021-04-01'].map((d) => ({
      target_date: d,
    }));
    assert.deepEqual(overdueTargets(due, now), ['2021-04-01', '2021-04-14']);
  });

  it('missing bars are grouped by reason, a few symbols named per group', () => {
    const failures = Array.from({ length: 7 }, (_, i) => ({
      symbol: `S${i}`,
      predictions: 2,
      reason: 'no bars after 2021-04-21',
    }));
    failures.push({ symbol: 'X', predictions: 1, reason: 'no bars in the store' });
    assert.equal(
      byReason(failures),
      'S0, S1, S2, S3, S4 and 2 more (14 prediction(s)): no bars after 2021-04-21; X (1 prediction(s)): no bars in the store',
    );
  });

  it('fails on overdue due predictions and says mlx verify scores them', async () => {
    const ctx = testContext({ now: '2021-04-22T12:00:00Z' });
    const check = await verificationCheck(ctx, async () => ({
      failures: [],
      rescorable: 0,
      pending: 3,
      verified: [{ target_date: '2021-04-01' }, { target_date: '2021-04-20' }],
    }));
    assert.equal(check.ok, false);
    assert.equal(
      check.detail,
      '1 due prediction(s) unverified for more than 7 days (targets 2021-04-01 to 2021-04-01)',
    );
    assert.match(check.hint ?? '', /mlx verify scores them/);
    const recent = await verificationCheck(ctx, async () => ({
      failures: [],
      rescorable: 0,
      pending: 3,
      verified: [{ target_date: '2021-04-20' }],
    }));
    assert.equal(recent.ok, true, recent.detail);
  });
});
