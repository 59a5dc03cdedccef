import assert from 'node:assert/strict';
import { buildProgram, commandNamed } from '../../src/cli/program.ts';
import { describe, it } from '../helpers/suite.ts';

const argv = (...words: string[]) => ['node', 'mlx', ...words];

describe('the command a run names', () => {
  it('is the first word that is neither an option nor the value of one', () => {
    assert.equal(commandNamed(argv('report')), 'report');
    assert.equal(commandNamed(argv('--home', 'h', '--json', 'data', 'ls')), 'data');
    assert.equal(
      commandNamed(argv('--home=h', '-q', 'predictions', '--limit', '5')),
      'predictions',
    );
    assert.equal(commandNamed(argv('--wait', '30', '--config', 'c.json', 'verify')), 'verify');
    // A home folder named like a command is the home, not the command.
    assert.equal(commandNamed(argv('--home', 'report')), undefined);
  });

  it('is none for help, a word mlx does not know, or no word at all', () => {
    assert.equal(commandNamed(argv('help', 'report')), undefined);
    assert.equal(commandNamed(argv('repot')), undefined);
    assert.equal(commandNamed(argv('--help')), undefined);
    assert.equal(commandNamed(argv('--', 'report')), undefined);
    assert.equal(commandNamed(argv('toString')), undefined);
  });

  it('a run wires its command alone; help and unknown words see them all', () => {
    const names = (program: ReturnType<typeof buildProgram>) =>
      program.commands.map((c) => c.name());
    assert.deepEqual(names(buildProgram(argv('--home', 'h', 'report', '--all'))), ['report']);
    const all = names(buildProgram());
    assert.ok(all.length >= 14 && all.includes('report') && all.includes('demo'));
    assert.deepEqual(names(buildProgram(argv('--help'))), all);
    assert.deepEqual(names(buildProgram(argv('repot'))), all);
  });
});
