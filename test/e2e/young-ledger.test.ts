import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { calendarFor } from '../../src/calendar/index.ts';
import { runMlx } from '../helpers/cli.ts';
import { verifiedHome } from '../helpers/verified-home.ts';

/** Each <figure> of a tear sheet: its id, and whether it drew a chart or left a note. */
function figuresOf(html: string): { id: string; drawn: boolean; note: string | null }[] {
  return [...html.matchAll(/<figure id="([^"]+)"[^>]*>([\s\S]*?)<\/figure>/g)].map((m) => ({
    id: m[1],
    drawn: m[2].includes('<svg'),
    note: /<p class="empty">No chart: ([^<]+)\.<\/p>/.exec(m[2])?.[1] ?? null,
  }));
}

const FEW_SESSIONS =
  'needs verified predictions on at least 6 sessions (an expanding rate starts once 5 are in)';
const NO_CROSS_SECTION =
  'needs sessions with at least 5 verified predictions (a cross-section to rank)';

/**
 * A new user's first week: report, report --json and the tear sheet from the
 * first verified prediction on, every chart drawn or replaced by a note.
 */
describe('report and tear sheet on a young ledger', () => {
  const cases = [
    { name: 'one session, one symbol, one verified record', sessions: 1, symbols: 1 },
    { name: 'one session of 5 symbols', sessions: 1, symbols: 5 },
    { name: '2 verified sessions of 5 symbols', sessions: 2, symbols: 5 },
    { name: '5 verified sessions of 5 symbols', sessions: 5, symbols: 5 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const from = '2021-03-01';
      const to = c.sessions > 1 ? calendarFor('US').addSessions(from, c.sessions - 1) : from;
      const ctx = await verifiedHome({ symbols: c.symbols, from, to });
      const home = ctx.home.root;

      const json = await runMlx(['report', '--json'], { home });
      assert.equal(json.code, 0, json.stderr);
      assert.equal(JSON.parse(json.stdout).totals.verified, c.sessions * c.symbols);
      const text = await runMlx(['report'], { home });
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, new RegExp(`${c.sessions * c.symbols} verified of`));

      const file = path.join(home, 'tearsheet.html');
      const html = await runMlx(['report', '--since', '2021-01-01', '--html', file], { home });
      assert.equal(html.code, 0, html.stderr);
      const figures = figuresOf(fs.readFileSync(file, 'utf8'));
      assert.equal(figures.length, 19);
      for (const f of figures)
        assert.ok(f.drawn !== (f.note !== null), `${f.id}: a chart or a note`);
      const byId = new Map(figures.map((f) => [f.id, f]));
      // Hit rates by symbol and calibration need one verified prediction.
      assert.ok(byId.get('symbol-accuracy')?.drawn);
      assert.ok(byId.get('calibration')?.drawn);
      // Rolling Sharpe and volatility need a full half-year window of holding periods.
      assert.match(byId.get('rolling-sharpe')?.note ?? '', /needs more than 26 holding periods/);
      // Trailing rates need six sessions.
      assert.equal(byId.get('rolling-hit-rate')?.note, FEW_SESSIONS);
      assert.equal(byId.get('coverage')?.note, FEW_SESSIONS);
      // Portfolios and the daily Rank IC need a cross-section of five.
      for (const id of ['equity-curve', 'drawdown', 'long-short', 'quintiles', 'rank-ic'])
        if (c.symbols < 5) assert.equal(byId.get(id)?.note, NO_CROSS_SECTION, id);
        else assert.ok(byId.get(id)?.drawn, id);
    });
  }
});
