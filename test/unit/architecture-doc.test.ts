import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from '../helpers/suite.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(ROOT, 'src');

describe('the repository stands alone', () => {
  it('docs/ARCHITECTURE.md names every folder and top-level file of src', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
    const missing = fs
      .readdirSync(SRC, { withFileTypes: true })
      .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name))
      .filter((name) => name.endsWith('/') || name.endsWith('.ts'))
      .filter(
        (name) => !doc.includes(`\`${name}`) && !doc.includes(`\`${name.replace(/\.ts$/, '')}\``),
      );
    assert.deepEqual(missing, []);
  });

  it('no source file cites a document the repository does not hold', () => {
    const files = (fs.readdirSync(SRC, { recursive: true }) as string[]).filter((f) =>
      f.endsWith('.ts'),
    );
    const citing = files.filter((file) =>
      /DESIGN\.md|STYLE\.md/.test(fs.readFileSync(path.join(SRC, file), 'utf8')),
    );
    assert.deepEqual(citing, []);
  });
});
