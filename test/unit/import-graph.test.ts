import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from '../helpers/suite.ts';

const SRC = path.resolve(import.meta.dirname, '../../src');

/**
 * The layers of src, highest first: a module (a folder of src, or a file at
 * its top) may import from its own layer and the layers below, never from one
 * above. The CLI parses and renders; commands compose the use cases below
 * and never call one another;
 * the domain modules do not know the commands that use them; the store and
 * the ledgers know no model; the base knows nothing of the rest.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['cli'],
  ['commands'],
  // The replay loop: the live loop's use cases, session by session.
  ['replay'],
  // The use cases (train a version, predict and append, verify and adapt, fetch), the doctor's checks.
  ['jobs', 'doctor'],
  ['report', 'prediction', 'explain', 'verification'],
  // The owner of the home's files: the ledgers (appending and indexing) and the registry.
  ['home-files'],
  ['registry', 'weights'],
  ['export'],
  // Fitting the models, the head, walk-forward.
  ['training'],
  // The one predict path: component scores of a fitted or loaded model over any input source.
  ['inference'],
  // The data handler: panels, the dataset (features, labels, ranks), the scaler, model inputs.
  ['dataset'],
  ['features', 'models', 'evaluation', 'sources', 'home-access', 'universe'],
  ['store'],
  ['ledger', 'calendar', 'exchanges'],
  [
    'errors',
    'config',
    'horizon',
    'context',
    'home',
    'log',
    'lock',
    'process-identity',
    'fsutil',
    'random',
    'version',
    'own-files',
    'threads',
    'memory',
  ],
];

const layerOf = new Map(LAYERS.flatMap((names, rank) => names.map((name) => [name, rank])));

/** The module of a path relative to src: its first folder, or the file's name. */
const moduleOf = (relative: string) =>
  relative.includes(path.sep) ? relative.split(path.sep)[0] : relative.replace(/\.ts$/, '');

interface Import {
  file: string;
  /** The imported file, relative to src. */
  target: string;
  from: string;
  to: string;
}

/** Import chains that come back to where they started: file to file, and module to module. */
function circles(edges: readonly { from: string; to: string }[]): string[] {
  const next = new Map<string, string[]>();
  for (const e of edges) if (e.from !== e.to) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const state = new Map<string, 'open' | 'done'>();
  const found: string[] = [];
  const visit = (node: string, path: string[]) => {
    state.set(node, 'open');
    for (const to of next.get(node) ?? []) {
      if (state.get(to) === 'open')
        found.push([...path.slice(path.indexOf(to)), node, to].join(' → '));
      else if (!state.has(to)) visit(to, [...path, node]);
    }
    state.set(node, 'done');
  };
  for (const node of next.keys()) if (!state.has(node)) visit(node, []);
  return found;
}

function imports(): Import[] {
  const files = (fs.readdirSync(SRC, { recursive: true }) as string[]).filter((f) =>
    f.endsWith('.ts'),
  );
  return files.flatMap((file) => {
    const text = fs.readFileSync(path.join(SRC, file), 'utf8');
    const specifiers = [
      ...text.matchAll(/(?:import|export)[^'";]*?from\s+'(\.[^']+)'/g),
      ...text.matchAll(/import\(\s*'(\.[^']+)'\s*\)/g),
    ].map((m) => m[1]);
    return specifiers.map((specifier) => {
      const target = path.relative(
        SRC,
        path.resolve(path.dirname(path.join(SRC, file)), specifier),
      );
      return { file, target, from: moduleOf(file), to: moduleOf(target) };
    });
  });
}

/** Imports from a file of commands/ to another: a command calls use cases, never a command. */
function commandToCommand(edges: readonly Pick<Import, 'file' | 'target'>[]): string[] {
  return edges
    .filter((i) => moduleOf(i.file) === 'commands' && moduleOf(i.target) === 'commands')
    .map((i) => `${i.file} imports ${i.target.split(path.sep).join('/')}`);
}

describe('the import graph', () => {
  const all = imports();

  it('is read: every module of src has a layer, and there are imports to check', () => {
    assert.ok(all.length > 300, `${all.length} imports`);
    const unknown = [...new Set(all.flatMap((i) => [i.from, i.to]))].filter(
      (name) => !layerOf.has(name),
    );
    assert.deepEqual(unknown, [], 'give each new module a layer in this test');
  });

  it('has no import from a lower layer up to a higher one', () => {
    const upward = all
      .filter((i) => (layerOf.get(i.to) ?? 0) < (layerOf.get(i.from) ?? 0))
      .map((i) => `${i.file} imports ${i.to} (${i.from} is below it)`);
    assert.deepEqual(upward, []);
  });

  it('has no circle, between files or between modules (type imports included)', () => {
    assert.deepEqual(circles(all.map((i) => ({ from: i.file, to: i.target }))), []);
    assert.deepEqual(circles(all), []);
  });

  it('would see a circle (the check can fail)', () => {
    const found = circles([
      { from: 'a.ts', to: 'b.ts' },
      { from: 'b.ts', to: 'c.ts' },
      { from: 'c.ts', to: 'a.ts' },
    ]);
    assert.deepEqual(found, ['a.ts → b.ts → c.ts → a.ts']);
  });

  it('has no command importing another command', () => {
    assert.deepEqual(commandToCommand(all), []);
  });

  it('would see a command importing a command (the check can fail)', () => {
    const found = commandToCommand([
      { file: path.join('commands', 'demo.ts'), target: path.join('commands', 'train.ts') },
      { file: path.join('commands', 'demo.ts'), target: path.join('jobs', 'train.ts') },
      { file: path.join('cli', 'main.ts'), target: path.join('commands', 'train.ts') },
    ]);
    assert.deepEqual(found, [`${path.join('commands', 'demo.ts')} imports commands/train.ts`]);
  });

  it('keeps the rules the layers stand for', () => {
    const offending = (from: (name: string) => boolean, to: string) =>
      all.filter((i) => from(i.from) && i.to === to).map((i) => i.file);
    assert.deepEqual(
      offending((m) => m !== 'cli', 'commands'),
      [],
      'only the CLI imports a command',
    );
    assert.deepEqual(
      offending((m) => m !== 'cli', 'cli'),
      [],
      'nothing imports the CLI',
    );
    assert.deepEqual(
      offending((m) => m === 'training', 'registry'),
      [],
      'training → registry',
    );
    assert.deepEqual(
      offending((m) => m === 'report', 'commands'),
      [],
      'report → commands',
    );
    assert.deepEqual(
      all
        .filter(
          (i) =>
            ['prediction', 'inference', 'dataset'].includes(i.from) &&
            i.to === 'training' &&
            i.target !== path.join('training', 'head.ts'),
        )
        .map((i) => i.file),
      [],
      'prediction takes only the head from training; the data handler and the predict path nothing',
    );
  });

  it('would see an upward import (the check can fail)', () => {
    const rank = (name: string) => layerOf.get(name) ?? -1;
    assert.ok(rank('training') > rank('registry'), 'training sits below registry');
    assert.ok(rank('report') > rank('commands'), 'report sits below commands');
    assert.ok(rank('store') > rank('training'), 'the store sits below training');
  });
});

/** The files of src whose text matches `pattern`, relative to src. */
function filesMatching(pattern: RegExp): string[] {
  return (fs.readdirSync(SRC, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && pattern.test(fs.readFileSync(path.join(SRC, f), 'utf8')))
    .sort();
}

describe('the home has one owner', () => {
  const owner = path.join('home-files', 'home.ts');

  it('opens the ledgers and the model registry in one file (home-files/home.ts)', () => {
    assert.deepEqual(filesMatching(/new Ledger\(/), [owner]);
    assert.deepEqual(filesMatching(/new ModelRegistry\(/), [owner]);
  });

  it('opens the store in one file: read-only for readers, for writing under the write lock', () => {
    assert.deepEqual(
      filesMatching(/PriceStore\.open\(/).filter((f) => !f.startsWith(`store${path.sep}`)),
      [owner],
    );
  });

  it('writes whole files only where their owner is', () => {
    // The home's files have their owners (store, ledgers, registry, Home, the lock); the
    // LSTM's files are written into a registry's version folder; export and
    // `mlx report --html` write where the user points them.
    const writers = ['store', 'ledger', 'registry', 'home-files', 'models', 'export', 'cli'];
    assert.deepEqual(
      filesMatching(/writeFileSync\(|writeFileAtomic\(/).filter(
        (f) => !writers.includes(moduleOf(f)) && !['fsutil.ts', 'lock.ts'].includes(f),
      ),
      [],
    );
  });

  it('is the only file that appends to a ledger or moves its lines', () => {
    assert.deepEqual(
      filesMatching(/\.(append|appendSeal)\(|quarantineLines\(/).filter(
        (f) => !f.startsWith(`ledger${path.sep}`),
      ),
      [owner],
    );
  });

  it('would see a second owner (the check can fail)', () => {
    assert.ok(filesMatching(/new PriceStore\(/).length >= 1, 'the pattern search reads src');
  });
});

/** Libraries slow to load (DuckDB, TensorFlow.js, koffi and libxgboost, vega, yahoo-finance2). */
const HEAVY = /^(@duckdb\/|@tensorflow\/|koffi$|vega(-lite)?$|yahoo-finance2$)/;

/**
 * What the small commands load: the CLI (every command's flags and help), and
 * the implementation their action imports when it runs. None may need a heavy
 * library, so each starts in well under a second.
 */
const SMALL_COMMANDS = [
  { command: 'mlx --help', cli: 'cli/main.ts', runs: [] },
  {
    command: 'mlx predictions',
    cli: 'cli/commands/predictions.ts',
    runs: ['commands/predictions.ts'],
  },
  { command: 'mlx report', cli: 'cli/commands/report.ts', runs: ['commands/report.ts'] },
  { command: 'mlx cron', cli: 'cli/commands/cron.ts', runs: ['commands/cron.ts'] },
  { command: 'mlx data ls', cli: 'cli/commands/data.ts', runs: ['commands/data-ls.ts'] },
];

/**
 * The imports that load a module with the file: `import type` is erased, an
 * `import()` waits for the code that calls it. Relative ones as paths from
 * src, packages by name.
 */
function staticImports(file: string): string[] {
  const text = fs.readFileSync(path.join(SRC, file), 'utf8');
  const specifiers = [
    ...[...text.matchAll(/^\s*(?:import|export)\s+(type\s)?[^'";]*?from\s+'([^']+)'/gm)]
      .filter((m) => !m[1])
      .map((m) => m[2]),
    ...[...text.matchAll(/^\s*import\s+'([^']+)'/gm)].map((m) => m[1]),
  ];
  return specifiers.map((specifier) =>
    specifier.startsWith('.')
      ? path.relative(SRC, path.resolve(path.dirname(path.join(SRC, file)), specifier))
      : (specifier.match(/^(@[^/]+\/)?[^/]+/)?.[0] ?? specifier),
  );
}

function dynamicImports(file: string): string[] {
  const text = fs.readFileSync(path.join(SRC, file), 'utf8');
  return [...text.matchAll(/import\(\s*'(\.[^']+)'\s*\)/g)].map((m) =>
    path.relative(SRC, path.resolve(path.dirname(path.join(SRC, file)), m[1])),
  );
}

/** Every heavy package loaded with `roots`, each with the chain of imports that reaches it. */
function heavyChains(roots: readonly string[]): string[] {
  const via = new Map<string, string | null>(roots.map((root) => [root, null]));
  const queue = [...roots];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (!file.endsWith('.ts')) continue;
    for (const target of staticImports(file)) {
      if (via.has(target)) continue;
      via.set(target, file);
      queue.push(target);
    }
  }
  const chain = (node: string): string => {
    const parent = via.get(node);
    return parent ? `${chain(parent)} → ${node}` : node;
  };
  return [...via.keys()].filter((name) => HEAVY.test(name)).map(chain);
}

describe('the small commands', () => {
  for (const { command, cli, runs } of SMALL_COMMANDS) {
    it(`${command} loads no heavy library`, () => {
      const lazy = dynamicImports(cli);
      for (const module of runs) assert.ok(lazy.includes(module), `${cli} imports ${module}`);
      assert.deepEqual(heavyChains(['cli/main.ts', ...runs]), []);
    });
  }

  it('would see a heavy library loaded through a chain of imports (the check can fail)', () => {
    const chains = heavyChains(['commands/export.ts']);
    assert.ok(
      chains.some((c) => c.endsWith('→ @duckdb/node-api')),
      chains.join('\n'),
    );
    assert.ok(
      heavyChains(['commands/train.ts']).some((c) => c.endsWith('→ koffi')),
      'train loads koffi',
    );
  });
});
