import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod/v4';
import { appendLines } from '../fsutil.ts';

export interface LedgerEntry<T> {
  record: T;
  file: string;
  /** 1-based line number. */
  line: number;
}

export interface LedgerProblem {
  file: string;
  line: number;
  /**
   * torn: the file's last line has no newline (a write cut short); invalid: not a valid
   * record; duplicate: a valid record repeating one already in the ledger (doctor finds these).
   */
  kind: 'torn' | 'invalid' | 'duplicate';
  detail: string;
  text: string;
}

export interface LedgerRead<T> {
  entries: LedgerEntry<T>[];
  problems: LedgerProblem[];
}

/**
 * An append-only JSON Lines ledger: one file per month (YYYY-MM.jsonl) in a
 * folder. Lines are never rewritten; a bad line is reported, never dropped
 * silently (mlx doctor --repair moves it aside).
 */
export class Ledger<T> {
  readonly dir: string;
  private readonly schema: z.ZodType<T>;

  constructor(dir: string, schema: z.ZodType<T>) {
    this.dir = dir;
    this.schema = schema;
  }

  files(): string[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs
      .readdirSync(this.dir)
      .filter((f) => /^\d{4}-\d{2}\.jsonl$/.test(f))
      .sort()
      .map((f) => path.join(this.dir, f));
  }

  fileForMonth(month: string): string {
    return path.join(this.dir, `${month}.jsonl`);
  }

  read(files: readonly string[] = this.files()): LedgerRead<T> {
    const result: LedgerRead<T> = { entries: [], problems: [] };
    for (const file of files) {
      if (!fs.existsSync(file)) continue;
      const text = fs.readFileSync(file, 'utf8');
      const lines = text.split('\n');
      const complete = text.endsWith('\n');
      // split leaves '' after the final newline; without one, the last piece is torn.
      const count = complete ? lines.length - 1 : lines.length;
      for (let i = 0; i < count; i++) {
        const lineText = lines[i];
        if (lineText.trim() === '') continue;
        const torn = !complete && i === count - 1;
        let parsed: unknown;
        try {
          parsed = JSON.parse(lineText);
        } catch (err) {
          result.problems.push({
            file,
            line: i + 1,
            kind: torn ? 'torn' : 'invalid',
            detail: (err as Error).message,
            text: lineText,
          });
          continue;
        }
        const checked = this.schema.safeParse(parsed);
        if (!checked.success) {
          const issue = checked.error.issues[0];
          result.problems.push({
            file,
            line: i + 1,
            kind: torn ? 'torn' : 'invalid',
            detail: `${issue.path.join('.') || '(record)'}: ${issue.message}`,
            text: lineText,
          });
          continue;
        }
        result.entries.push({ record: checked.data, file, line: i + 1 });
      }
    }
    return result;
  }

  /** Append records grouped by month, each file in one write. */
  append(records: readonly T[], monthOf: (record: T) => string): void {
    const byMonth = new Map<string, string[]>();
    for (const record of records) {
      const month = monthOf(record);
      const lines = byMonth.get(month) ?? [];
      lines.push(JSON.stringify(record));
      byMonth.set(month, lines);
    }
    for (const [month, lines] of [...byMonth].sort()) appendLines(this.fileForMonth(month), lines);
  }
}
