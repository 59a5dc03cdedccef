import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchReporter } from './report.ts';

/**
 * `npm run bench [NAME...]`: runs every bench/*.bench.ts (or the named ones)
 * and prints each figure on stdout, one per line.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

const reporter: BenchReporter = {
  figure(name, value, unit, goal) {
    const shown = Number.isInteger(value) ? String(value) : value.toPrecision(4);
    process.stdout.write(`  ${name}: ${shown} ${unit}${goal ? `  (${goal})` : ''}\n`);
  },
  note(text) {
    process.stdout.write(`  ${text}\n`);
  },
};

/** Benches that take hours run only when named (`npm run bench -- skill`). */
const BY_NAME_ONLY = ['skill.bench.ts'];

for (const file of files) {
  const name = file.replace('.bench.ts', '');
  process.stdout.write(`${name}\n`);
  if (wanted.length === 0 && BY_NAME_ONLY.includes(file)) {
    reporter.note(`skipped: it takes hours; run it by name (npm run bench -- ${name})`);
    continue;
  }
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as BenchModule;
  await mod.bench(reporter);
}
