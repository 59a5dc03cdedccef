import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.ts';
import { describe, it } from '../helpers/suite.ts';

const CLI = path.resolve(import.meta.dirname, '../../src/cli');

/** The flags several commands take: each is spelled in src/cli/flags.ts only. */
const SHARED = ['--as-of', '--since', '--until', '--symbols', '--symbol', '--model', '--universe'];

/** Files of src/cli, other than flags.ts, that declare one of `flags` as an option. */
function spelledOutside(flags: readonly string[], files: readonly string[]): string[] {
  return files.flatMap((file) => {
    const text = fs.readFileSync(file, 'utf8');
    return flags
      .filter((f) =>
        new RegExp(`(\\.option\\(|\\.requiredOption\\(|new Option\\()\\s*['"\`]${f}[ '"\`]`).test(
          text,
        ),
      )
      .map((f) => `${path.relative(CLI, file)} declares ${f}`);
  });
}

/** Every option of every command, as `command --flag`, with whether its help shows it. */
function options(
  program: Command,
  prefix = '',
): { name: string; flags: string; hidden: boolean }[] {
  return program.commands.flatMap((command) => {
    const name = `${prefix}${command.name()}`;
    return [
      ...command.options.map((o) => ({
        name,
        flags: o.flags,
        hidden: (o as unknown as { hidden: boolean }).hidden,
      })),
      ...options(command, `${name} `),
    ];
  });
}

describe('the shared flags', () => {
  const files = (fs.readdirSync(CLI, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && f !== 'flags.ts')
    .map((f) => path.join(CLI, f));

  it('are declared once, in src/cli/flags.ts', () => {
    assert.deepEqual(spelledOutside(SHARED, files), []);
  });

  it('would see a flag declared in a command (the check can fail)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx-flags-'));
    const file = path.join(dir, 'command.ts');
    fs.writeFileSync(file, "program.option(\n  '--as-of <date>', 'a session', parseDate)");
    try {
      assert.equal(spelledOutside(SHARED, [file]).length, 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('have one spelling per meaning: --symbols a list, --symbol one, --model NAME[/VERSION]', () => {
    const shown = options(buildProgram()).filter((o) => !o.hidden);
    const spellings = (flag: string) => [
      ...new Set(shown.filter((o) => o.flags.split(/[ ,]/)[0] === flag).map((o) => o.flags)),
    ];
    assert.deepEqual(spellings('--symbols'), ['--symbols <list>']);
    assert.deepEqual(spellings('--symbol'), ['--symbol <symbol>']);
    assert.deepEqual(spellings('--model'), ['--model <name[/version]>']);
    assert.deepEqual(spellings('--as-of'), ['--as-of <date>']);
    assert.deepEqual(spellings('--since'), ['--since <when>']);
  });

  it('keep the old spellings working, out of the help', () => {
    const hidden = options(buildProgram())
      .filter((o) => o.hidden)
      .map((o) => `${o.name} ${o.flags}`)
      .sort();
    assert.deepEqual(hidden, [
      'demo --symbols <n>',
      'export --symbol <symbols>',
      'train --name <name>',
    ]);
    const parsed = (args: string[]) => {
      const program = buildProgram().exitOverride();
      const command = program.commands.find((c) => c.name() === args[0]) as Command;
      command.action(() => {});
      program.parse(['node', 'mlx', ...args]);
      return command.opts();
    };
    assert.deepEqual(parsed(['export', 'bars', '--out', 'x', '--symbol', 'aapl,msft']).symbol, [
      'AAPL',
      'MSFT',
    ]);
    assert.equal(parsed(['train', '--name', 'past']).name, 'past');
    assert.equal(parsed(['demo', '--symbols', '6']).symbols, 6);
  });
});
