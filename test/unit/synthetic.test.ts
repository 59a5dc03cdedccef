import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calendarFor } from '../../src/calendar/index.ts';
import { generateSyntheticMarket } from '../../src/sources/synthetic.ts';
import type { RawBar } from '../../src/store/types.ts';

const fiveYears = generateSyntheticMarket({
  symbols: 120,
  from: '2016-01-01',
  to: '2020-12-31',
  seed: 20260201,
});
const allBars = [...fiveYears.bars.values()];

/** Log closes adjusted for splits only, anchored at the last bar. */
function splitAdjustedLogCloses(bars: readonly RawBar[]): Float64Array {
  const result = new Float64Array(bars.length);
  let factor = 1;
  for (let i = bars.length - 1; i >= 0; i--) {
    result[i] = Math.log(bars[i].close * factor);
    factor /= bars[i].split;
  }
  return result;
}

function correlation(xs: readonly number[], ys: readonly number[]): number {
  const meanX = xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / ys.length;
  let covariance = 0;
  let varianceX = 0;
  let varianceY = 0;
  for (let i = 0; i < xs.length; i++) {
    covariance += (xs[i] - meanX) * (ys[i] - meanY);
    varianceX += (xs[i] - meanX) ** 2;
    varianceY += (ys[i] - meanY) ** 2;
  }
  return covariance / Math.sqrt(varianceX * varianceY);
}

describe('generateSyntheticMarket', () => {
  it('is determined by its seed', () => {
    const options = { symbols: 8, from: '2020-01-01', to: '2020-12-31', seed: 7 };
    const first = generateSyntheticMarket(options);
    assert.deepEqual(generateSyntheticMarket(options), first);
    const other = generateSyntheticMarket({ ...options, seed: 8 });
    assert.notDeepEqual(
      other.bars.get('SYN001')?.map((bar) => bar.close),
      first.bars.get('SYN001')?.map((bar) => bar.close),
    );
    // Each symbol has its own stream: asking for fewer symbols changes none.
    const fewer = generateSyntheticMarket({ ...options, symbols: 3 });
    assert.deepEqual(fewer.bars.get('SYN003'), first.bars.get('SYN003'));
  });

  it('labels every symbol as synthetic', () => {
    assert.equal(fiveYears.info.length, 120);
    assert.deepEqual(
      fiveYears.info.slice(0, 3).map((info) => info.symbol),
      ['SYN001', 'SYN002', 'SYN003'],
    );
    const sectors = new Set<string>();
    for (const info of fiveYears.info) {
      assert.equal(info.synthetic, true);
      assert.equal(info.exchange, 'US');
      assert.equal(info.timezone, 'America/New_York');
      assert.equal(info.currency, 'USD');
      assert.match(info.name ?? '', /^Synthetic \d{3} \(.+\)$/);
      assert.ok(info.name?.includes(`(${info.sector})`));
      sectors.add(info.sector ?? '');
    }
    assert.equal(sectors.size, 6);
  });

  it('trades on NYSE sessions only', () => {
    const sessions = calendarFor('US').sessionsBetween('2016-01-01', '2020-12-31');
    for (const bars of allBars) {
      assert.deepEqual(
        bars.map((bar) => bar.date),
        sessions,
      );
    }
    const empty = generateSyntheticMarket({
      symbols: 2,
      from: '2021-04-03',
      to: '2021-04-04',
      seed: 1,
    });
    assert.deepEqual(empty.bars.get('SYN002'), []);
  });

  it('writes consistent raw bars with positive integer volumes', () => {
    for (const bars of allBars) {
      for (const bar of bars) {
        assert.ok(bar.low > 0, bar.date);
        assert.ok(bar.low <= Math.min(bar.open, bar.close), bar.date);
        assert.ok(bar.high >= Math.max(bar.open, bar.close), bar.date);
        assert.ok(Number.isInteger(bar.volume) && bar.volume > 0, bar.date);
        assert.equal(bar.adjClose, null);
      }
    }
  });

  it('splits 2:1 or 3:1 with the raw price dropping by the ratio and volume rising', () => {
    let splits = 0;
    let volumeLogRatio = 0;
    for (const bars of allBars) {
      for (let t = 1; t < bars.length; t++) {
        const { split } = bars[t];
        if (split === 1) continue;
        splits++;
        assert.ok(split === 2 || split === 3, `split ${split}`);
        assert.equal(bars[t].dividend, 0);
        const move = (bars[t].close * split) / bars[t - 1].close;
        assert.ok(move > 0.75 && move < 1.33, `split-day move ${move}`);
        const before = bars.slice(Math.max(0, t - 20), t);
        const after = bars.slice(t, t + 20);
        const meanVolume = (window: RawBar[]) =>
          window.reduce((sum, bar) => sum + bar.volume, 0) / window.length;
        volumeLogRatio += Math.log(meanVolume(after) / meanVolume(before)) / Math.log(split);
      }
    }
    assert.ok(splits >= 10, `${splits} splits`);
    const averageElasticity = volumeLogRatio / splits;
    assert.ok(averageElasticity > 0.7 && averageElasticity < 1.3, `${averageElasticity}`);
  });

  it('pays quarterly dividends for about half the symbols, and the price drops by them', () => {
    let payers = 0;
    for (const bars of allBars) {
      const exDates = bars.flatMap((bar, t) => (bar.dividend > 0 ? [t] : []));
      if (exDates.length === 0) continue;
      payers++;
      assert.ok(exDates.length >= 18, `${exDates.length} dividends in five years`);
      for (let k = 1; k < exDates.length; k++) assert.equal(exDates[k] - exDates[k - 1], 63);
      for (const t of exDates.filter((index) => index > 0)) {
        const { dividend, close } = bars[t];
        assert.ok(dividend < 0.05 * bars[t - 1].close, 'a plausible quarterly dividend');
        // The total return, close plus dividend over the previous close, is an ordinary day.
        const totalMove = (close + dividend) / bars[t - 1].close;
        assert.ok(totalMove > 0.8 && totalMove < 1.25, `ex-date total move ${totalMove}`);
      }
    }
    assert.ok(payers > 120 * 0.3 && payers < 120 * 0.7, `${payers} payers`);
  });

  it('plants reversal in cyclical sectors and momentum in defensive ones, modestly', () => {
    const defensive = new Set(['Consumer Staples', 'Utilities']);
    const groups = {
      momentum: { past: [] as number[], next: [] as number[] },
      reversal: { past: [] as number[], next: [] as number[] },
    };
    for (const info of fiveYears.info) {
      const logCloses = splitAdjustedLogCloses(fiveYears.bars.get(info.symbol) ?? []);
      const group = defensive.has(info.sector ?? '') ? groups.momentum : groups.reversal;
      for (let t = 5; t + 5 < logCloses.length; t += 5) {
        group.past.push(logCloses[t] - logCloses[t - 5]);
        group.next.push(logCloses[t + 5] - logCloses[t]);
      }
    }
    const momentum = correlation(groups.momentum.past, groups.momentum.next);
    const reversal = correlation(groups.reversal.past, groups.reversal.next);
    assert.ok(momentum > 0.08, `momentum correlation ${momentum}`);
    assert.ok(reversal < -0.08, `reversal correlation ${reversal}`);

    // Knowing the planted sign gives an edge, not a sure thing.
    let hits = 0;
    let total = 0;
    for (const [sign, group] of [
      [1, groups.momentum],
      [-1, groups.reversal],
    ] as const) {
      for (let i = 0; i < group.past.length; i++) {
        if (Math.sign(sign * group.past[i]) === Math.sign(group.next[i])) hits++;
        total++;
      }
    }
    const accuracy = hits / total;
    assert.ok(accuracy > 0.52 && accuracy < 0.62, `oracle directional accuracy ${accuracy}`);
  });

  it('rejects a nonsensical symbol count', () => {
    assert.throws(
      () => generateSyntheticMarket({ symbols: -1, from: '2020-01-01', to: '2020-12-31', seed: 1 }),
      RangeError,
    );
  });
});
