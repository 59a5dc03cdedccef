import { calendarFor } from '../calendar/index.ts';
import { createRandom } from '../random.ts';
import type { Random } from '../random.ts';
import type { RawBar, SymbolInfo } from '../store/types.ts';

/**
 * A seeded synthetic market, labelled synthetic everywhere, for the offline
 * demo and for tests. Fully determined by the seed and the date range; each
 * symbol draws from its own stream, so SYN007 is the same whether 10 or 500
 * symbols are generated.
 *
 * Daily log return of symbol i on session t:
 *
 *   r = beta_i (drift[regime_t] + m_t) + gamma_i s_{sector(i), t}
 *       + (phi_i / 5) (r_{t-1} + … + r_{t-5}) + sigma_{i,t} z
 *
 * - regime_t: a Markov chain over bull / bear / volatile / sideways with
 *   persistent states (expected spells of 30–70 sessions); each regime has
 *   its own market drift and volatility for the market shock m_t.
 * - s: one factor per sector; beta_i depends on the sector (defensive sectors
 *   below 1, technology above).
 * - sigma_{i,t}: GARCH(1,1) volatility clustering around a per-symbol level.
 *
 * The planted, learnable structure is the phi term, whose sign follows the
 * sector. Cyclical sectors (Technology, Financials, Health Care, Energy)
 * show short-term reversal, phi in [−0.5, −0.3]; defensive ones (Consumer
 * Staples, Utilities) show momentum, phi in [+0.2, +0.35]. Defensive symbols
 * also have lower beta and idiosyncratic volatility, so a model that sees
 * past returns and realised volatility can tell the groups apart without
 * the sector. The five-session return then correlates with the previous
 * five at about −0.2 (reversal) and +0.15 (momentum); betting on the planted
 * sign alone is right about 55–56% of the time at a five-session horizon,
 * and the regime drift adds a little, so a fitted model should reach
 * roughly 53–57%, not more.
 *
 * Raw bars are as traded: a split (2:1 or 3:1, likelier once a price is
 * high) divides the price on its day and sets `split`; earlier bars are not
 * adjusted. About half the symbols pay quarterly dividends, and the raw price
 * drops by the dividend on the ex-date (raw close = (previous close −
 * dividend) e^r), so bars adjusted by the usual 1 − dividend / previous close
 * factor recover e^r up to cent rounding. Volume is log-normal, rises with |r| and
 * scales with the cumulative split ratio. `adjClose` is null: mlx adjusts
 * from the events.
 */

export interface SyntheticOptions {
  symbols: number;
  from: string;
  to: string;
  seed: number;
}

export interface SyntheticMarket {
  info: SymbolInfo[];
  bars: Map<string, RawBar[]>;
}

interface Regime {
  drift: number;
  volatility: number;
  stay: number;
}

const regimes: readonly Regime[] = [
  { drift: 0.0006, volatility: 0.008, stay: 0.985 }, // bull
  { drift: -0.0008, volatility: 0.013, stay: 0.975 }, // bear
  { drift: -0.0002, volatility: 0.022, stay: 0.968 }, // volatile
  { drift: 0.0001, volatility: 0.006, stay: 0.98 }, // sideways
];

interface Sector {
  name: string;
  beta: [number, number];
  /** Range of the idiosyncratic volatility level (daily). */
  volatility: [number, number];
  /** Range of phi: momentum for defensive sectors, reversal for the rest. */
  phi: [number, number];
}

const reversal: [number, number] = [-0.5, -0.3];
const momentum: [number, number] = [0.2, 0.35];

const sectors: readonly Sector[] = [
  { name: 'Technology', beta: [1.1, 1.5], volatility: [0.014, 0.024], phi: reversal },
  { name: 'Financials', beta: [1.0, 1.3], volatility: [0.012, 0.02], phi: reversal },
  { name: 'Health Care', beta: [0.7, 1.0], volatility: [0.012, 0.022], phi: reversal },
  { name: 'Energy', beta: [0.9, 1.3], volatility: [0.014, 0.024], phi: reversal },
  { name: 'Consumer Staples', beta: [0.5, 0.8], volatility: [0.007, 0.011], phi: momentum },
  { name: 'Utilities', beta: [0.4, 0.7], volatility: [0.006, 0.01], phi: momentum },
];

const SECTOR_VOLATILITY = 0.006;
const GARCH_ALPHA = 0.07;
const GARCH_BETA = 0.9;
const SESSIONS_PER_QUARTER = 63;

export function generateSyntheticMarket(options: SyntheticOptions): SyntheticMarket {
  const { symbols, from, to, seed } = options;
  if (!Number.isInteger(symbols) || symbols < 0) {
    throw new RangeError(`symbols must be a non-negative integer, got ${symbols}`);
  }
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const dates = calendarFor('US').sessionsBetween(from, to);
  const market = simulateMarket(dates.length, createRandom(mixSeed(seed, 0)));
  const info: SymbolInfo[] = [];
  const bars = new Map<string, RawBar[]>();
  for (let index = 1; index <= symbols; index++) {
    const number = String(index).padStart(3, '0');
    const random = createRandom(mixSeed(seed, index));
    const sector = random.int(sectors.length);
    info.push({
      symbol: `SYN${number}`,
      exchange: 'US',
      timezone: 'America/New_York',
      currency: 'USD',
      name: `Synthetic ${number} (${sectors[sector].name})`,
      sector: sectors[sector].name,
      synthetic: true,
    });
    bars.set(`SYN${number}`, simulateSymbol(dates, market, sector, random));
  }
  return { info, bars };
}

interface MarketPath {
  /** beta-1 market return (drift + shock) per session. */
  market: Float64Array;
  /** Per sector, its factor return per session. */
  sector: Float64Array[];
}

function simulateMarket(sessions: number, random: Random): MarketPath {
  const market = new Float64Array(sessions);
  const sector = sectors.map(() => new Float64Array(sessions));
  let regime = random.int(regimes.length);
  for (let t = 0; t < sessions; t++) {
    if (random.next() > regimes[regime].stay) {
      regime = (regime + 1 + random.int(regimes.length - 1)) % regimes.length;
    }
    market[t] = regimes[regime].drift + regimes[regime].volatility * random.normal();
    for (const path of sector) path[t] = SECTOR_VOLATILITY * random.normal();
  }
  return { market, sector };
}

function simulateSymbol(
  dates: readonly string[],
  path: MarketPath,
  sector: number,
  random: Random,
): RawBar[] {
  const traits = sectors[sector];
  const beta = uniform(random, ...traits.beta);
  const gamma = uniform(random, 0.6, 1.2);
  const volatilityLevel = uniform(random, ...traits.volatility);
  const phi = uniform(random, ...traits.phi);
  const splitThreshold = uniform(random, 150, 600);
  const dividendYield = random.next() < 0.5 ? uniform(random, 0.01, 0.04) : 0;
  const dividendPhase = random.int(SESSIONS_PER_QUARTER);
  const baseShares = Math.exp(uniform(random, Math.log(3e5), Math.log(3e7)));
  const omega = volatilityLevel ** 2 * (1 - GARCH_ALPHA - GARCH_BETA);
  const marketMove = beta * 0.011;
  const typicalMove = Math.sqrt(marketMove * marketMove + volatilityLevel * volatilityLevel);

  let price = Math.exp(uniform(random, Math.log(15), Math.log(300)));
  let variance = volatilityLevel ** 2;
  let shock = 0;
  let sharesMultiplier = 1;
  let dividend = 0;
  const recent = new Float64Array(5);
  let recentSum = 0;
  const bars: RawBar[] = new Array(dates.length);

  for (let t = 0; t < dates.length; t++) {
    variance = omega + GARCH_ALPHA * shock * shock + GARCH_BETA * variance;
    const sigma = Math.sqrt(variance);
    shock = sigma * random.normal();
    const logReturn =
      beta * path.market[t] + gamma * path.sector[sector][t] + (phi / 5) * recentSum + shock;
    recentSum += logReturn - recent[t % 5];
    recent[t % 5] = logReturn;

    let split = 1;
    let paid = 0;
    const exDate = dividendYield > 0 && t % SESSIONS_PER_QUARTER === dividendPhase;
    if (exDate) {
      // The amount is set once a year from the price and then held, as boards
      // do, unless a collapsing price forces a cut.
      const annualReset = t % (4 * SESSIONS_PER_QUARTER) === dividendPhase;
      if (dividend === 0 || annualReset || dividend > 0.03 * price) {
        dividend = Math.round(price * dividendYield * 25) / 100;
      }
      paid = dividend;
    } else if (wantsSplit(price, splitThreshold, random)) {
      split = price > 2.5 * splitThreshold ? 3 : 2;
      sharesMultiplier *= split;
      dividend = Math.round((dividend / split) * 100) / 100;
    }

    const base = price / split - paid;
    const gap = 0.3 * logReturn + 0.25 * sigma * random.normal();
    const open = base * Math.exp(gap);
    price = base * Math.exp(logReturn);
    const close = price;
    const wick = 0.5 * Math.sqrt(marketMove * marketMove + variance);
    const high = Math.max(open, close) * Math.exp(wick * Math.abs(random.normal()));
    const low = Math.min(open, close) * Math.exp(-wick * Math.abs(random.normal()));
    const activity = Math.min(Math.abs(logReturn) / typicalMove, 5) - 0.8;
    const volume =
      baseShares * sharesMultiplier * Math.exp(0.6 * activity + 0.35 * random.normal());

    const openCents = roundCents(open);
    const closeCents = roundCents(close);
    bars[t] = {
      date: dates[t],
      open: openCents,
      high: Math.max(roundCents(high), openCents, closeCents),
      low: Math.min(roundCents(low), openCents, closeCents),
      close: closeCents,
      volume: Math.max(1, Math.round(volume)),
      dividend: paid,
      split,
      adjClose: null,
    };
  }
  return bars;
}

/** Splits come when a price runs high, and rarely otherwise. */
function wantsSplit(price: number, threshold: number, random: Random): boolean {
  const hazard = price > threshold ? 0.01 : price > 40 ? 1 / 2500 : 0;
  return random.next() < hazard;
}

function uniform(random: Random, low: number, high: number): number {
  return low + (high - low) * random.next();
}

function roundCents(value: number): number {
  return Math.max(0.01, Math.round(value * 100) / 100);
}

/** A well-spread 32-bit seed for stream `index` of a user seed. */
function mixSeed(seed: number, index: number): number {
  let z = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x2c1b3c6d) >>> 0;
  z = Math.imul(z ^ (z >>> 12), 0x297a2d39) >>> 0;
  return (z ^ (z >>> 15)) >>> 0;
}
