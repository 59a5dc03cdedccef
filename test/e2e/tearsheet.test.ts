import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from '../helpers/suite.ts';
import { MLX_BIN, runMlx, tempHome } from '../helpers/cli.ts';
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
result.context = [...document.querySelectorAll('#context th')].map((th) => [th.textContent, th.nextElementSibling.textContent]);
result.strategyRows = [...document.querySelectorAll('#strategies tbody td:first-child')].map((td) => td.textContent);
result.drawdownRows = document.querySelectorAll('table#drawdowns tbody tr').length;
result.sectorRows = document.querySelectorAll('table#sectors tbody tr').length;
result.pageWidth = { scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth };
result.clippedCells = [...document.querySelectorAll('td, th, figcaption, p')].filter((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== 'visible').map((el) => el.textContent.slice(0, 60));
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
  context: [string, string][];
  strategyRows: string[];
  drawdownRows: number;
  sectorRows: number;
  pageWidth: { scroll: number; client: number };
  clippedCells: string[];
}

/**
 * The acceptance checks, in Chromium, on a copy of the page with the inspector
 * added: at least 7 charts (the ten named), every legend swatch in its series'
 * colour and each series drawn, no text outside its chart, the benchmark line.
 */
function inspectTearSheet(home: string, text: string, minLegends: number): Inspection {
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
  assert.ok(
    inspection.pageWidth.scroll <= inspection.pageWidth.client,
    `the page scrolls sideways: ${JSON.stringify(inspection.pageWidth)}`,
  );
  assert.deepEqual(inspection.clippedCells, [], 'no table cell or paragraph clips its text');
  return inspection;
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
  'the tear sheet of a real backtest arm (12 of the S&P 500 stocks with their sectors, eight months to mid-2020)',
  {
    skip:
      skipWithoutSp500 ||
      (chromiumPath() ? false : 'chromium is not installed (apt-get install chromium)'),
  },
  () => {
    it('has the header, returns and risk, signal quality by horizon and sector, ≥ 12 charts, and passes the inspection', async () => {
      const { home, arm } = await backtestArm();
      const html = path.join(home, 'arm.html');
      const run = await runMlx(
        ['--home', arm, 'report', '--all', '--cost-bps', '10', '--html', html],
        { home },
      );
      assert.equal(run.code, 0, run.stderr);
      const inspection = inspectTearSheet(home, fs.readFileSync(html, 'utf8'), 20);
      const context = Object.fromEntries(inspection.context);
      assert.match(context.model, /^default: \d+ versions \(retrains\), \d{8}T\d{6}Z/);
      assert.equal(context.universe, '12 stocks');
      assert.match(context['as of (first → last)'], /^2019-11-01 → 2020-06-30$/);
      assert.match(context['target dates (first → last)'], /^2019-11-08 → 2020-07-08$/);
      assert.equal(context.horizon, '5 sessions');
      assert.match(context['costs assumed'], /^10 bps of every amount traded/);
      assert.match(context['made by'], /^mlx --home \S+ report --all --cost-bps 10 --html /);
      for (const row of ['volatility', 'Sortino', 'Calmar', 'Sharpe', 'max drawdown', 'turnover'])
        assert.ok(
          inspection.strategyRows.some((r) => r.includes(row)),
          `${row} in ${inspection.strategyRows.join(' | ')}`,
        );
      assert.ok(inspection.drawdownRows >= 1 && inspection.drawdownRows <= 5);
      assert.ok(inspection.sectorRows >= 5, `${inspection.sectorRows} sectors`);
      const ids = inspection.charts.map((c) => c.id);
      assert.ok(ids.length >= 12, `${ids.length} charts: ${ids.join(', ')}`);
      for (const id of [
        'monthly-returns',
        'yearly-returns',
        'rolling-sharpe',
        'rolling-volatility',
        'ic-by-horizon',
        'ic-by-sector',
        'long-short-by-sector',
        'sector-exposure-top',
        'sector-exposure-bottom',
      ])
        assert.ok(ids.includes(id), `${id} is drawn`);
    });
  },
);

/** A short real backtest (XGBoost alone, fewer rounds): its home and its adaptive arm, built once. */
let built: Promise<{ home: string; arm: string; backtest: string }> | null = null;
function backtestArm(): Promise<{ home: string; arm: string; backtest: string }> {
  built ??= (async () => {
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
    // The constituents file gives each stock its GICS sector.
    const constituents = path.join(path.dirname(files[0]), 'constituents.csv');
    const imported = await runMlx(['data', 'import', ...files, constituents, '--quiet'], { home });
    assert.equal(imported.code, 0, imported.stderr);
    fs.writeFileSync(
      path.join(home, 'mlx.config.json'),
      JSON.stringify({ models: ['xgb'], train: { xgb: { rounds: 100 } } }),
    );
    const replay = await runMlx(
      ['backtest', '--from', '2019-11-01', '--to', '2020-06-30', '--retrain', 'quarterly'],
      { home },
    );
    assert.equal(replay.code, 0, replay.stderr);
    const backtest = path.join(home, 'backtests', '2019-11-01_2020-06-30');
    return { home, arm: path.join(backtest, 'adaptive'), backtest };
  })();
  return built;
}

/** `script` (util-linux) runs a command under a pseudo-terminal; null where it is absent. */
function scriptPath(): string | null {
  for (const candidate of ['/usr/bin/script', '/bin/script'])
    if (fs.existsSync(candidate)) return candidate;
  return null;
}

/** Run mlx as a person at an 80-column terminal would, and return what the terminal shows. */
function atEightyColumns(cwd: string, args: string[]): string[] {
  const command = `stty cols 80; ${[process.execPath, MLX_BIN, ...args].map((a) => `'${a}'`).join(' ')}`;
  const run = spawnSync(scriptPath() as string, ['-qec', command, '/dev/null'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, MLX_HOME: undefined, NO_COLOR: '1' },
    timeout: 60_000,
  });
  assert.equal(run.status, 0, String(run.stdout).slice(-600));
  return (
    String(run.stdout)
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
      .split(/\r?\n/)
      .map((l) => l.split('\r').at(-1) as string)
  );
}

describe(
  'at an 80-column terminal (the real backtest arm)',
  {
    skip: skipWithoutSp500 || (scriptPath() ? false : 'script (util-linux) is not installed'),
  },
  () => {
    it('predictions, models ls, report and data ls fit 80 columns, and say which columns they hid', async () => {
      const { home, arm, backtest } = await backtestArm();
      const commands: [string, string[]][] = [
        ['predictions', ['--home', arm, 'predictions']],
        ['models ls', ['--home', backtest, 'models', 'ls']],
        ['report', ['--home', arm, 'report', '--all']],
        ['data ls', ['--home', arm, 'data', 'ls']],
      ];
      const hid: string[] = [];
      for (const [name, args] of commands) {
        const lines = atEightyColumns(home, args);
        assert.ok(lines.length > 3, `${name}: ${lines.join('\n')}`);
        for (const line of lines)
          assert.ok([...line].length <= 80, `${name}: ${[...line].length} columns: ${line}`);
        const note = lines.find((l) => /columns? hidden to fit 80 columns/.test(l));
        if (note) {
          hid.push(name);
          assert.match(lines.join(' '), /--wide or --json shows them/);
        }
        // --wide hides nothing.
        const wide = atEightyColumns(home, ['--wide', ...args]);
        assert.ok(!wide.some((l) => /hidden to fit/.test(l)), `${name} --wide`);
      }
      // The predictions table is wider than 80 columns: the user is told, not left to guess.
      assert.ok(hid.includes('predictions'), hid.join(', '));
    });
  },
);
