import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from '../helpers/suite.ts';
import { MLX_BIN, runMlx, tempHome } from '../helpers/cli.ts';
import { ledgerRecords } from '../helpers/ledger.ts';
import { verifiedHome } from '../helpers/verified-home.ts';

const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../README.md');
const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
// eslint-disable-next-line no-control-regex
const ESC = /\x1b/;

interface Record {
  id: string;
  symbol: string;
  as_of: string;
  probability_up: number;
}

/**
 * A folder standing in for npm's global bin after `npm link`: `mlx` links to
 * this clone's bin/mlx.js, and `node` to the node running the tests (cron's
 * PATH would find it in /usr/bin or /usr/local/bin).
 */
function linkedBin(): string {
  const bin = tempHome('mlx-bin-');
  fs.symlinkSync(MLX_BIN, path.join(bin, 'mlx'));
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  return bin;
}

/** Run a shell line as cron would: no environment but HOME and PATH. */
function asCron(line: string, env: { HOME: string; PATH: string }) {
  return spawnSync('bash', ['-o', 'pipefail', '-c', line], { env, encoding: 'utf8' });
}

describe('the daily commands, as a person and as cron use them', () => {
  let home = '';
  let sessions: string[] = [];
  let ledger: Record[] = [];

  before(async () => {
    const ctx = await verifiedHome({ symbols: 10, from: '2021-03-01', to: '2021-10-29' });
    home = ctx.home.root;
    sessions = ctx.sessions;
    ledger = ledgerRecords(ctx.home.predictionsDir) as unknown as Record[];
  });

  it('predictions --as-of D --json lists exactly that session, as the ledger holds it', async () => {
    const day = sessions[40];
    const run = await runMlx(['predictions', '--as-of', day, '--json'], { home });
    assert.equal(run.code, 0, run.stderr);
    const listed = JSON.parse(run.stdout) as Record[];
    const expected = ledger.filter((r) => r.as_of === day);
    assert.equal(expected.length, 10);
    assert.deepEqual(listed, expected);
  });

  it('--top 5 --sort probability_up gives the five highest; without a date, the latest session', async () => {
    const run = await runMlx(['predictions', '--top', '5', '--sort', 'probability_up', '--json'], {
      home,
    });
    assert.equal(run.code, 0, run.stderr);
    const listed = JSON.parse(run.stdout) as Record[];
    const latest = ledger.filter((r) => r.as_of === sessions.at(-1));
    const highest = [...latest]
      .sort((a, b) => b.probability_up - a.probability_up)
      .slice(0, 5)
      .map((r) => r.id);
    assert.deepEqual(
      listed.map((r) => r.id),
      highest,
    );
    assert.match(run.stderr, /of session 2021-10-29 \(the latest/);
  });

  it('--since 2021-10-25 --jsonl prints one ledger line per record of those sessions', async () => {
    const run = await runMlx(['predictions', '--since', '2021-10-25', '--jsonl'], { home });
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, ledger.filter((r) => r.as_of >= '2021-10-25').length);
    assert.equal(lines.length, 50);
    for (const line of lines) assert.equal((JSON.parse(line) as Record).symbol.slice(0, 3), 'SYN');
  });

  it("report's default window ends at the newest verified target; an empty one counts what lies outside and suggests --all", async () => {
    const recent = await runMlx(['report', '--json'], { home });
    assert.equal(recent.code, 0, recent.stderr);
    const report = JSON.parse(recent.stdout);
    assert.equal(report.window.basis, 'recent');
    assert.equal(report.window.since, '2021-10-06'); // 30 days before 2021-11-05
    assert.ok(report.totals.verified > 100, String(report.totals.verified));

    // --since 7d counts back from today's clock: nothing of 2021 is in it.
    const empty = await runMlx(['report', '--since', '7d'], { home });
    assert.equal(empty.code, 0, empty.stderr);
    const verified = ledger.length;
    assert.match(
      empty.stderr,
      new RegExp(
        `nothing verified in this window .*, but ${verified} verified prediction\\(s\\) lie outside it: mlx report --all`,
      ),
    );
    const all = JSON.parse((await runMlx(['report', '--all', '--json'], { home })).stdout);
    assert.equal(all.totals.verified, verified);
    assert.equal(all.totals.verified_outside_window, 0);
  });

  it('report --sort hit_rate --top 3 lists the three best symbols, in order', async () => {
    const run = await runMlx(['report', '--all', '--sort', 'hit_rate', '--top', '3', '--json'], {
      home,
    });
    const symbols = JSON.parse(run.stdout).symbols as { hit_rate: number }[];
    assert.equal(symbols.length, 3);
    assert.ok(
      symbols[0].hit_rate >= symbols[1].hit_rate && symbols[1].hit_rate >= symbols[2].hit_rate,
    );
  });

  it('mlx cron prints lines with absolute paths that run under cron’s bare environment', async () => {
    const run = await runMlx(['cron', '--json'], { home });
    assert.equal(run.code, 0, run.stderr);
    const cron = JSON.parse(run.stdout) as {
      node: string;
      mlx: string;
      home: string;
      log: string;
      entries: { schedule: string; command: string; line: string }[];
    };
    assert.equal(cron.node, process.execPath);
    assert.equal(cron.mlx, fs.realpathSync(MLX_BIN));
    assert.equal(cron.home, home);
    assert.equal(cron.log, path.join(home, 'cron.log'));
    const verifyLine = cron.entries.find((e) => e.schedule === '0 10 * * 6');
    assert.ok(verifyLine);
    for (const word of [cron.node, cron.mlx, home]) assert.ok(verifyLine.command.includes(word));
    // As cron runs it: /bin/sh, PATH=/usr/bin:/bin, HOME elsewhere.
    const ran = spawnSync('/bin/sh', ['-c', verifyLine.command], {
      env: { PATH: '/usr/bin:/bin', HOME: tempHome() },
      encoding: 'utf8',
    });
    assert.equal(ran.status, 0, ran.stderr);
    assert.match(fs.readFileSync(cron.log, 'utf8'), /0 prediction\(s\) verified/);
    // The human form is a crontab: comments and the three lines.
    const text = await runMlx(['cron'], { home });
    const lines = text.stdout.trim().split('\n');
    assert.equal(lines.filter((l) => !l.startsWith('#')).length, 3);
    assert.ok(lines.every((l) => l.startsWith('#') || /^[0-9*]/.test(l)));
  });

  it("the README's cron lines run as written once mlx is linked onto the PATH", () => {
    const readme = fs.readFileSync(README, 'utf8');
    const block = /```crontab\n([\s\S]*?)```/.exec(readme);
    assert.ok(block, 'the README has a crontab block');
    const lines = block[1].trim().split('\n');
    const pathLine = lines.find((l) => l.startsWith('PATH='));
    assert.ok(pathLine, 'the crontab sets a PATH cron can find mlx and node on');
    const jobs = lines
      .filter((l) => /^[0-9*]/.test(l))
      .map((l) => ({
        schedule: l.split(/\s+/).slice(0, 5).join(' '),
        command: l
          .split(/\s+/)
          .slice(5)
          .join(' ')
          .replace(/\s+#.*$/, ''),
      }));
    assert.deepEqual(
      jobs.map((j) => j.command),
      ['cd ~/mlx && mlx train', 'cd ~/mlx && mlx predict', 'cd ~/mlx && mlx verify --since 7d'],
    );
    // npm link puts mlx in npm's global bin; here a stand-in folder is put before the README's PATH.
    const user = tempHome('mlx-user-');
    fs.symlinkSync(home, path.join(user, 'mlx'));
    const cronPath = `${linkedBin()}:${pathLine.slice('PATH='.length)}`;
    // The weekly line needs no network and no model: it runs here.
    const ran = asCron(jobs[2].command, { HOME: user, PATH: cronPath });
    assert.equal(ran.status, 0, ran.stderr);
    assert.match(ran.stderr, /0 prediction\(s\) verified/);
    // The others reach the same mlx in the same home (their --help proves the words parse).
    for (const job of jobs.slice(0, 2)) {
      const help = asCron(`${job.command} --help`, { HOME: user, PATH: cronPath });
      assert.equal(help.status, 0, `${job.command}: ${help.stderr}`);
    }
  });

  it(
    "the README's jq recipes on predictions and report work as written",
    { skip: has('jq') ? false : 'jq is not installed' },
    () => {
      const readme = fs.readFileSync(README, 'utf8');
      const recipes = readme
        .split('\n')
        .filter((l) => /^mlx (predictions|report)\b.*\| jq /.test(l));
      assert.ok(recipes.length >= 4, recipes.join('\n'));
      const env = { HOME: home, PATH: `${linkedBin()}:/usr/bin:/bin` };
      const outputs = recipes.map((recipe) => {
        const ran = asCron(`cd ${home} && ${recipe}`, env);
        assert.equal(ran.status, 0, `${recipe}\n${ran.stderr}`);
        return ran.stdout;
      });
      // The latest session has stocks with P(up) above 0.6, and the session before some.
      const picked = outputs[recipes.findIndex((r) => r.includes('probability_up > .6'))];
      const expected = ledger
        .filter((r) => r.as_of === sessions.at(-1) && r.probability_up > 0.6)
        .map((r) => JSON.stringify(r.symbol));
      assert.ok(expected.length > 0);
      assert.deepEqual(picked.trim().split('\n'), expected);
    },
  );
});

describe(
  'colour under a pseudo-terminal',
  { skip: has('script') ? false : 'script (util-linux) is not installed' },
  () => {
    let home = '';
    before(async () => {
      home = (await verifiedHome({ symbols: 6, from: '2021-09-01', to: '2021-10-29' })).home.root;
    });

    /** Run mlx on a pseudo-terminal 70 columns wide, as a person at a terminal does. */
    const onTerminal = (args: string, env: NodeJS.ProcessEnv = {}, stderr = true) => {
      const command = `stty cols 70; ${JSON.stringify(process.execPath)} ${JSON.stringify(MLX_BIN)} --home ${JSON.stringify(home)} ${args}${stderr ? '' : ' 2>/dev/null'}`;
      const run = spawnSync('script', ['-qec', command, '/dev/null'], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm', ...env },
      });
      assert.equal(run.status, 0, run.stdout + run.stderr);
      return run.stdout;
    };

    it('NO_COLOR=1 or --no-color: not one escape code, tables included; without them, colour', () => {
      for (const args of [
        'predictions',
        'predictions --sort probability_up --top 3',
        'report --all',
        'data ls',
      ]) {
        assert.doesNotMatch(onTerminal(args, { NO_COLOR: '1' }), ESC, `NO_COLOR=1 mlx ${args}`);
        assert.doesNotMatch(onTerminal(`${args} --no-color`), ESC, `mlx ${args} --no-color`);
      }
      assert.match(onTerminal('predictions'), ESC, 'a terminal without NO_COLOR gets colour');
    });

    it('tables fit the terminal: no table line wider than its 70 columns', () => {
      for (const args of ['predictions', 'report --all']) {
        const lines = onTerminal(args, { NO_COLOR: '1' }, false).split(/\r?\n/);
        // A table on a terminal: a header, a rule of ─ under it, then its rows up to a blank line.
        let tables = 0;
        for (let i = 1; i < lines.length; i++) {
          if (!lines[i].startsWith('─')) continue;
          tables++;
          for (let j = i - 1; j < lines.length && lines[j].trim() !== ''; j++)
            assert.ok([...lines[j]].length <= 70, `${args}: ${lines[j]}`);
        }
        assert.ok(tables >= (args === 'predictions' ? 1 : 5), `${args}: ${tables} tables`);
      }
    });
  },
);
