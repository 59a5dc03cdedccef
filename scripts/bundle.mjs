// The code bin/mlx.js runs, bundled: tsc's output (dist/) joined into a few
// files in dist/bundle/. Node.js resolves, reads and compiles each ES module
// apart, and a command loaded about a hundred of them: `mlx report` and
// `mlx predictions` start about 60–80 ms sooner bundled (see the README's Scale).
// commander and zod are bundled with it; every other package stays in
// node_modules, loaded as before (when a command needs it): the native ones
// (better-sqlite3, koffi, DuckDB) must, and the heavy ones load only where used.
// The worker threads' modules are entry points of their own, beside the
// chunks that start them (see src/threads.ts).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const BUNDLED = new Set(['commander', 'zod']);
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const WORKERS = {
  'fold-worker': 'dist/training/fold-worker.js',
  'xgb-worker': 'dist/training/xgb-worker.js',
  'retrain-worker': 'dist/replay/retrain-worker.js',
};

// Every worker thread the code starts must be an entry point: one left out
// would fail only when that command runs, so the build fails instead.
for (const file of fs.readdirSync(path.join(root, 'dist'), { recursive: true })) {
  if (!file.endsWith('.js') || file.startsWith('bundle')) continue;
  const code = fs.readFileSync(path.join(root, 'dist', file), 'utf8');
  for (const [, name] of code.matchAll(/startWorker\(import\.meta\.url, '([\w-]+)'/g))
    if (!(name in WORKERS))
      throw new Error(`dist/${file} starts the worker ${name}: add it to WORKERS`);
}

// Chunks are named by their content: a build leaves none of an earlier one behind.
fs.rmSync(path.join(root, 'dist/bundle'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'dist/cli/main.js',
    'output-failures': 'dist/cli/output-failures.js',
    ...WORKERS,
  },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
  // commander is CommonJS: its require() calls need a require in an ES module.
  banner: {
    js: "import { createRequire as mlxCreateRequire } from 'node:module'; const require = mlxCreateRequire(import.meta.url);",
  },
  plugins: [
    {
      name: 'packages-stay-external',
      setup(onBuild) {
        onBuild.onResolve({ filter: /^[^./]/ }, (args) => {
          const name = args.path.startsWith('@')
            ? args.path.split('/').slice(0, 2).join('/')
            : args.path.split('/')[0];
          return BUNDLED.has(name) || args.path.startsWith('node:')
            ? undefined
            : { external: true };
        });
      },
    },
  ],
});
