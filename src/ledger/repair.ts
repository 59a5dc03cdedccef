import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fsutil.ts';
import type { LedgerProblem } from './ledger.ts';

export interface RepairResult {
  file: string;
  moved: number;
  quarantine: string;
}

/**
 * Move bad lines out of a ledger file into a dated quarantine file beside it
 * (never deleting them): the quarantine gets each bad line with where it came
 * from, then the ledger file is replaced atomically by its good lines, in order.
 */
export function quarantineLines(
  file: string,
  problems: readonly LedgerProblem[],
  now: Date,
): RepairResult {
  const bad = new Set(problems.map((p) => p.line));
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const quarantine = path.join(path.dirname(file), 'quarantine', `${stamp}-${path.basename(file)}`);
  const moved = problems.map((p) =>
    JSON.stringify({
      from: path.basename(file),
      line: p.line,
      kind: p.kind,
      detail: p.detail,
      text: p.text,
    }),
  );
  fs.mkdirSync(path.dirname(quarantine), { recursive: true });
  fs.appendFileSync(quarantine, `${moved.join('\n')}\n`);
  const kept = lines.filter((_, i) => !bad.has(i + 1));
  writeFileAtomic(file, kept.length ? `${kept.join('\n')}\n` : '');
  return { file, moved: problems.length, quarantine };
}
