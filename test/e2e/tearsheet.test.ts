import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from '../helpers/suite.ts';
import { runMlx, tempHome } from '../helpers/cli.ts';
import { readPng } from '../helpers/png.ts';
import { skipWithoutSp500, sp500Files } from '../helpers/shared-data.ts';
import { verifiedHome } from '../helpers/verified-home.ts';

function chromiumPath(): string | null {
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser'])
    if (fs.existsSync(candidate)) return candidate;
  return null;
}

/** Chromium, headless, with every network request refused. */
function chromium(home: string, args: string[]): ReturnType<typeof spawnSync> {
  return spawnSync(
    chromiumPath() as string,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${path.join(home, 'chromium')}`,
      '--proxy-server=127.0.0.1:9',
      '--hide-scrollbars',
      ...args,
    ],
    { timeout: 90_000, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
}

/**
 * Run in the browser, on a copy of the page (the page itself has no script):
 * what is laid out where, and in which colours.
 */
const INSPECT = `
const rgb = (colour) => { const probe = document.createElement('i'); probe.style.color = colour; document.body.append(probe); const value = getComputedStyle(probe).color; probe.remove(); return value; };
const paintOf = (el) => { const s = getComputedStyle(el); return [s.stroke, s.fill].filter((c) => c && c !== 'none' && c !== 'rgba(0, 0, 0, 0)'); };
const result = { charts: [], outside: [], legends: [], benchmark: null };
for (const figure of document.querySelectorAll('figure')) {
  const svg = figure.querySelector(':scope > svg');
  if (!svg) continue;
  const box = svg.getBoundingClientRect();
  const series = JSON.parse(figure.dataset.series || '{}');
  const marks = [...svg.querySelectorAll('.role-mark > *')];
  const markColours = new Set(marks.flatMap(paintOf));
  result.charts.push({ id: figure.id, width: box.width, height: box.height, series, markColours: [...markColours] });
  for (const text of svg.querySelectorAll('text')) {
    if (!text.textContent.trim() || Number(getComputedStyle(text).opacity) === 0) continue;
    const r = text.getBoundingClientRect();
    if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)
      result.outside.push({ figure: figure.id, text: text.textContent, left: r.left - box.left, right: box.right - r.right, top: r.top - box.top, bottom: box.bottom - r.bottom });
  }
  for (const entry of svg.querySelectorAll('.role-legend .role-scope > g')) {
    const label = entry.querySelector('.role-legend-label text');
    const swatch = entry.querySelector('.role-legend-symbol path');
    if (!label || !swatch) continue;
    const name = label.textContent;
    result.legends.push({ figure: figure.id, label: name, swatch: paintOf(swatch), expected: series[name] ? rgb(series[name]) : null, drawn: series[name] ? markColours.has(rgb(series[name])) : false });
  }
  if (figure.id === 'equity-curve') {
    const line = [...svg.querySelectorAll('.mark-line.role-mark path')].find((p) => (p.getAttribute('aria-label') || '').includes('universe buy-and-hold'));
    result.benchmark = line ? { colour: paintOf(line)[0], points: (line.getAttribute('d').match(/[ML]/g) || []).length, expected: rgb(series['universe buy-and-hold (benchmark)']) } : null;
  }
}
const pre = document.createElement('pre'); pre.id = 'inspection'; pre.textContent = JSON.stringify(result); document.body.append(pre);
`;

interface Inspection {
  charts: { id: string; width: number; height: number; series: Record<string, string> }[];
  outside: { figure: string; text: string }[];
  legends: {
    figure: string;
    label: string;
    swatch: string[];
    expected: string | null;
    drawn: boolean;
  }[];
  benchmark: { colour: string; points: number; expected: string } | null;
}

/**
 * The acceptance checks, in Chromium, on a copy of the page with the inspector
 * added: at least 7 charts (the ten named), every legend swatch in its series'
 * colour and each series drawn, no text outside its chart, the benchmark line.
 */
function inspectTearSheet(home: string, text: string, minLegends: number): void {
  const copy = path.join(home, 'inspect.html');
  fs.writeFileSync(copy, text.replace('</body>', `<script>${INSPECT}</script></body>`));
  const run = chromium(home, ['--window-size=1000,1400', '--dump-dom', `file://${copy}`]);
  const match = /<pre id="inspection">([^<]*)<\/pre>/.exec(String(run.stdout));
  assert.ok(match, `no inspection in Chromium's DOM: ${String(run.stderr).slice(-500)}`);
  const inspection = JSON.parse(
    match[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"'),
  ) as Inspection;

  const ids = inspection.charts.map((c) => c.id);
  assert.ok(ids.length >= 7, ids.join(', '));
  for (const id of [
    'equity-curve',
    'drawdown',
    'long-short',
    'quintiles',
    'rank-ic',
    'rolling-hit-rate',
    'coverage',
    'calibration',
    'symbol-accuracy',
    'weights',
  ])
    assert.ok(ids.includes(id), `${id} is drawn`);

  assert.deepEqual(inspection.outside, [], 'every text element lies inside its chart');

  // Every series named in a chart's map has a legend entry, swatched in its colour, and ink.
  for (const chart of inspection.charts) {
    for (const label of Object.keys(chart.series)) {
      const entry = inspection.legends.find((l) => l.figure === chart.id && l.label === label);
      assert.ok(entry, `${chart.id}: a legend entry for ${label}`);
      assert.ok(
        entry.expected !== null && entry.swatch.includes(entry.expected),
        `${chart.id}: the swatch of ${label} is ${entry.swatch.join('/')}, its series is ${entry.expected}`,
      );
      assert.ok(entry.drawn, `${chart.id}: ${label} is drawn in its colour`);
    }
  }
  assert.ok(inspection.legends.length >= minLegends, String(inspection.legends.length));
  assert.ok(inspection.benchmark, 'the buy-and-hold benchmark line is in the equity chart');
  assert.equal(inspection.benchmark.colour, inspection.benchmark.expected);
  assert.ok(inspection.benchmark.points > 20, String(inspection.benchmark.points));
}

describe(
  'mlx report --html: the tear sheet in headless Chromium',
  { skip: chromiumPath() ? false : 'chromium is not installed (apt-get install chromium)' },
  () => {
    let home = '';
    let html = '';
    let text = '';

    before(async () => {
      const ctx = await verifiedHome({ symbols: 10, from: '2021-03-01', to: '2021-10-29' });
      home = ctx.home.root;
      html = path.join(home, 'tearsheet.html');
      const run = await runMlx(['report', '--all', '--cost-bps', '10', '--html', html], { home });
      assert.equal(run.code, 0, run.stderr);
      text = fs.readFileSync(html, 'utf8');
    });

    it('is one self-contained file: no script, nothing to fetch, under 2 MB', () => {
      assert.ok(text.length < 2 * 1024 * 1024, String(text.length));
      assert.doesNotMatch(text, /<script|(src|href)=|@import|url\((?!#)/i, 'nothing to fetch');
    });

    it('draws every chart; every legend swatch has its series colour and each series is drawn; no text outside its chart; the benchmark is there', () => {
      inspectTearSheet(home, text, 20);
    });

    it('renders to pixels with nothing fetched: the series colours are on the screenshot', () => {
      const png = path.join(home, 'tearsheet.png');
      const run = chromium(home, [
        '--window-size=1000,2600',
        `--screenshot=${png}`,
        `file://${html}`,
      ]);
      assert.ok(fs.existsSync(png), String(run.stderr));
      const image = readPng(png);
      const count = (rgb: [number, number, number]) => {
        let n = 0;
        for (let y = 0; y < image.height; y++) {
          for (let x = 0; x < image.width; x++) {
            const [r, g, b] = image.pixel(x, y);
            if (Math.abs(r - rgb[0]) < 24 && Math.abs(g - rgb[1]) < 24 && Math.abs(b - rgb[2]) < 24)
              n++;
          }
        }
        return n;
      };
      assert.ok(count([0x4c, 0x78, 0xa8]) > 2000, 'blue lines drew');
      assert.ok(count([0xf5, 0x85, 0x18]) > 500, 'the orange always-up line drew');
      assert.ok(count([0x54, 0xa2, 0x4b]) > 300, 'the green long-only line drew');
    });

    it('says so when there are too few periods for a Sharpe ratio, and states none', async () => {
      const short = path.join(home, 'short.html');
      const run = await runMlx(
        ['report', '--since', '2021-09-01', '--until', '2021-10-15', '--html', short, '--json'],
        { home },
      );
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout);
      assert.ok(report.rebalances > 1 && report.rebalances < 26, String(report.rebalances));
      assert.equal(report.portfolio.ensemble.sharpe, null);
      assert.equal(report.portfolio.ensemble.annualised_return, null);
      assert.equal(report.benchmarks.buy_and_hold.sharpe, null);
      assert.match(
        fs.readFileSync(short, 'utf8'),
        /Only \d+ holding periods in this window: Sharpe ratios and annualised returns are left out below 26 periods/,
      );
    });
  },
);

describe(
  'the tear sheet of a real backtest arm (12 of the S&P 500 stocks, first half of 2020)',
  {
    skip:
      skipWithoutSp500 ||
      (chromiumPath() ? false : 'chromium is not installed (apt-get install chromium)'),
  },
  () => {
    it('passes the same inspection', async () => {
      const home = tempHome();
      const symbols = [
        'AAPL',
        'AMZN',
        'BAC',
        'DUK',
        'GE',
        'JPM',
        'KO',
        'MSFT',
        'NVDA',
        'PG',
        'TSLA',
        'XOM',
      ];
      const files = sp500Files().filter((f) => symbols.includes(path.basename(f, '.csv')));
      assert.equal((await runMlx(['data', 'import', ...files, '--quiet'], { home })).code, 0);
      // XGBoost alone with fewer rounds keeps the replay to seconds; the ledger is a real one.
      fs.writeFileSync(
        path.join(home, 'mlx.config.json'),
        JSON.stringify({ models: ['xgb'], train: { xgb: { rounds: 100 } } }),
      );
      const replay = await runMlx(
        ['backtest', '--from', '2020-01-02', '--to', '2020-06-30', '--retrain', 'quarterly'],
        { home },
      );
      assert.equal(replay.code, 0, replay.stderr);
      const arm = path.join(home, 'backtests', '2020-01-02_2020-06-30', 'adaptive');
      const html = path.join(home, 'arm.html');
      const run = await runMlx(
        ['--home', arm, 'report', '--all', '--cost-bps', '10', '--html', html],
        {
          home,
        },
      );
      assert.equal(run.code, 0, run.stderr);
      inspectTearSheet(home, fs.readFileSync(html, 'utf8'), 20);
    });
  },
);
