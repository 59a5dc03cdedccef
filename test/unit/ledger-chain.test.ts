import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  chainLine,
  chainStatus,
  checkChain,
  genesis,
  startChain,
  walkChain,
} from '../../src/ledger/chain.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { verificationSchema, type Verification } from '../../src/ledger/records.ts';

const FILE = '/ledger/2021-03.jsonl';

/** Lines as mlx writes them: each chained to the one before. */
function written(contents: readonly string[], state = genesis(FILE)): string[] {
  return contents.map((content) => {
    const next = chainLine(state, content);
    state = next.digest;
    return next.line;
  });
}

const check = (lines: readonly string[]) =>
  checkChain(
    FILE,
    lines.map((text, i) => ({ line: i + 1, text })),
  );

const records = ['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}'];

/** The seal doctor --repair would append to accept `broken`. */
const sealAccepting = (broken: { line: number; key: string; detail: string }) => ({
  schema: 'mlx.seal/1' as const,
  sealed_at: '2021-04-01T00:00:00Z',
  reason: 'test',
  accepted: [{ line: broken.line, key: broken.key, detail: broken.detail }],
});

describe('the digest chain of a ledger file', () => {
  it('a file as written chains; its state is the last digest', () => {
    const lines = written(records);
    const status = check(lines);
    assert.deepEqual(status.breaks, []);
    assert.equal(status.chained, 4);
    assert.equal(status.state, /"digest":"([0-9a-f]{32})"/.exec(lines[3])?.[1]);
  });

  it('an edited line breaks at that line only', () => {
    const lines = written(records);
    lines[1] = lines[1].replace('"n":2', '"n":20');
    assert.deepEqual(
      check(lines).breaks.map((b) => b.line),
      [2],
    );
  });

  it('a removed line breaks at the line after it; reordered lines break', () => {
    const lines = written(records);
    assert.deepEqual(
      check([lines[0], lines[2], lines[3]]).breaks.map((b) => b.line),
      [2],
    );
    assert.ok(check([lines[1], lines[0], lines[2], lines[3]]).breaks.length > 0);
  });

  it('a line moved from another file breaks: the first line hashes from the file name', () => {
    const elsewhere = checkChain(
      '/ledger/2021-04.jsonl',
      written(records).map((text, i) => ({ line: i + 1, text })),
    );
    assert.deepEqual(
      elsewhere.breaks.map((b) => b.line),
      [1],
    );
  });

  it('a line without a digest after chained ones is named; before them, it is unchained and covered', () => {
    const lines = written(records);
    assert.deepEqual(
      check([...lines.slice(0, 2), '{"n":9}', ...lines.slice(2)]).breaks.map((b) => b.line),
      [3],
    );
    const old = ['{"old":1}', '{"old":2}'];
    const folded = check(old);
    assert.deepEqual([folded.unchained, folded.covered, folded.breaks.length], [2, 0, 0]);
    const after = [...old, ...written(['{"n":1}'], folded.state)];
    const status = check(after);
    assert.deepEqual([status.unchained, status.covered, status.breaks.length], [2, 2, 0]);
    // Editing an old line now breaks the chained line after it.
    assert.equal(check(['{"old":7}', ...after.slice(1)]).breaks.length, 1);
  });

  it('a seal accepts the breaks it lists', () => {
    const lines = written(records);
    lines[1] = lines[1].replace('"n":2', '"n":20');
    const [broken] = check(lines).breaks;
    const seal = sealAccepting(broken);
    const sealLine = chainLine(check(lines).state, JSON.stringify(seal)).line;
    const status = checkChain(FILE, [
      ...lines.map((text, i) => ({ line: i + 1, text })),
      { line: 5, text: sealLine, seal },
    ]);
    assert.deepEqual([status.breaks.length, status.accepted], [0, 1]);
  });

  it('a walk resumed line by line ends as one walk over every line: breaks, counts, seals', () => {
    const lines = ['{"old":1}', ...written(records, check(['{"old":1}']).state)];
    lines[2] = lines[2].replace('"n":2', '"n":20');
    lines.splice(4, 0, '{"by":"hand"}');
    const [broken] = check(lines).breaks;
    const seal = sealAccepting(broken);
    const all = [
      ...lines.map((text, i) => ({ line: i + 1, text })),
      {
        line: lines.length + 1,
        text: chainLine(check(lines).state, JSON.stringify(seal)).line,
        seal,
      },
    ];
    const whole = checkChain(FILE, all);
    assert.deepEqual([whole.unchained, whole.covered, whole.accepted], [1, 1, 1]);
    assert.equal(whole.breaks.length, 1, 'the hand-added line; the seal accepts the edited one');
    for (let cut = 0; cut <= all.length; cut++) {
      const first = walkChain(startChain(FILE), all.slice(0, cut));
      assert.deepEqual(chainStatus(walkChain(first, all.slice(cut))), whole, `cut at ${cut}`);
    }
  });
});

/** A verification of the prediction whose id repeats `id` (one character). */
const verification = (id: string): Verification => ({
  schema: 'mlx.verification/1',
  prediction_id: id.repeat(24),
  symbol: 'AAPL',
  as_of: '2021-03-01',
  target_date: '2021-03-08',
  verified_at: '2021-03-09T10:00:00Z',
  status: 'verified',
  actual_price: 120,
});

describe('Ledger.append', () => {
  it('refuses a record no reader would accept (NaN becomes null), writing nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-append-'));
    const ledger = new Ledger(dir, verificationSchema);
    const good = verification('a');
    assert.throws(
      () => ledger.append([good, { ...good, actual_price: Number.NaN }], () => '2021-03'),
      /refusing to append a record no reader would accept.*actual_price/,
    );
    assert.ok(!fs.existsSync(ledger.fileForMonth('2021-03')));
    ledger.append([good], () => '2021-03');
    const read = ledger.read();
    assert.equal(read.entries.length, 1);
    assert.deepEqual(read.entries[0].record, good);
    assert.deepEqual(read.chains[0].breaks, []);
  });

  it('a file read once is read again once it changes: appended to, or edited in place at the same size', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-reread-'));
    const ledger = new Ledger(dir, verificationSchema);
    ledger.append([verification('1')], () => '2021-03');
    const first = ledger.read();
    assert.equal(first.entries.length, 1);
    // Readers share what was read, so nothing may change it.
    assert.throws(() => {
      (first.entries[0].record as { symbol: string }).symbol = 'MSFT';
    }, TypeError);
    // Another Ledger over the same folder (another command in the same process) sees an append.
    new Ledger(dir, verificationSchema).append([verification('2')], () => '2021-03');
    assert.deepEqual(
      ledger.read().entries.map((e) => e.record.prediction_id[0]),
      ['1', '2'],
    );
    // The same number of bytes, one digit changed: the price is read anew and the chain breaks.
    const file = ledger.fileForMonth('2021-03');
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace('"actual_price":120', '"actual_price":121'),
    );
    const edited = ledger.read();
    assert.equal((edited.entries[0].record as { actual_price: number }).actual_price, 121);
    assert.equal(edited.chains[0].breaks.length, 1);
  });

  it('a file that grew has its new lines read with their line numbers; an edit before them is still found', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-grown-'));
    const ledger = new Ledger(dir, verificationSchema);
    const file = ledger.fileForMonth('2021-03');
    ledger.append([verification('1'), verification('2')], () => '2021-03');
    assert.equal(ledger.read().entries.length, 2);
    ledger.append([verification('3')], () => '2021-03');
    fs.appendFileSync(file, 'not json\n');
    ledger.append([verification('4')], () => '2021-03');
    const grown = ledger.read();
    assert.deepEqual(
      grown.entries.map((e) => [e.record.prediction_id[0], e.line]),
      [
        ['1', 1],
        ['2', 2],
        ['3', 3],
        ['4', 5],
      ],
    );
    assert.deepEqual(
      grown.problems.map((p) => [p.kind, p.line]),
      [['invalid', 4]],
    );
    assert.deepEqual(grown.chains[0].breaks, []);
    assert.equal(grown.chains[0].chained, 4);
    // An earlier line edited and a line appended in one change: the whole file is read again.
    const text = fs.readFileSync(file, 'utf8').replace('"actual_price":120', '"actual_price":121');
    fs.writeFileSync(file, text);
    ledger.append([verification('5')], () => '2021-03');
    const edited = ledger.read();
    assert.equal((edited.entries[0].record as { actual_price: number }).actual_price, 121);
    assert.deepEqual(
      edited.chains[0].breaks.map((b) => b.line),
      [1],
    );
    assert.equal(edited.entries.length, 5);
  });

  it('appends after reads chain on from the lines read, as a fresh read of the file finds', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-chain-on-'));
    const ledger = new Ledger(dir, verificationSchema);
    const file = ledger.fileForMonth('2021-03');
    // Each read after an append parses and chains only the new line; a fresh check agrees.
    const fresh = () =>
      checkChain(
        file,
        fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((text, i) => ({ line: i + 1, text })),
      );
    for (const id of '12345') {
      ledger.append([verification(id)], () => '2021-03');
      const read = ledger.read();
      assert.equal(read.entries.length, Number(id));
      assert.deepEqual(read.chains[0], { file, ...fresh() });
      assert.deepEqual([read.chains[0].chained, read.chains[0].breaks.length], [Number(id), 0]);
    }
    // A last line that is a whole record but for its newline reads as one; the next append
    // completes it, and chains on from it.
    const torn = chainLine(ledger.read().chains[0].state, JSON.stringify(verification('6'))).line;
    fs.appendFileSync(file, torn);
    assert.equal(ledger.read().entries.length, 6);
    ledger.append([verification('7')], () => '2021-03');
    const whole = fresh();
    assert.deepEqual([whole.chained, whole.breaks.length], [7, 0]);
    assert.deepEqual(ledger.read().chains[0], { file, ...whole });
  });

  it('a torn last line completed later is read whole', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-torn-'));
    const ledger = new Ledger(dir, verificationSchema);
    const file = ledger.fileForMonth('2021-03');
    ledger.append([verification('1')], () => '2021-03');
    const line = JSON.stringify(verification('2'));
    fs.appendFileSync(file, line.slice(0, 20));
    assert.deepEqual(
      ledger.read().problems.map((p) => [p.kind, p.line]),
      [['torn', 2]],
    );
    fs.appendFileSync(file, `${line.slice(20)}\n`);
    const completed = ledger.read();
    assert.deepEqual(completed.problems, []);
    assert.deepEqual(
      completed.entries.map((e) => e.line),
      [1, 2],
    );
  });
});
