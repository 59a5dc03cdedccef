import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { DataError } from '../errors.ts';
import { appendLines } from '../fsutil.ts';
import { compileParser, REJECTED } from './fast-parse.ts';
import {
  chainLine,
  chainStatus,
  genesis,
  startChain,
  walkChain,
  SEAL_SCHEMA,
  sealSchema,
  type ChainLine,
  type ChainStatus,
  type ChainWalk,
  type Seal,
} from './chain.ts';

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
   * record; duplicate: a valid record repeating one already in the ledger; changed: a record
   * that differs from the one the index committed; refused: a verification readers refuse
   * (doctor finds the last three).
   */
  kind: 'torn' | 'invalid' | 'duplicate' | 'changed' | 'refused';
  detail: string;
  text: string;
}

export interface LedgerRead<T> {
  entries: LedgerEntry<T>[];
  problems: LedgerProblem[];
  /** Each file's digest chain (see chain.ts). */
  chains: (ChainStatus & { file: string })[];
}

/** A record without the digest its line carried (the chain is the ledger's, not the record's). */
function withoutDigest<T>(record: T): T {
  if (typeof record !== 'object' || record === null || !('digest' in record)) return record;
  const rest = { ...record } as T & { digest?: unknown };
  delete rest.digest;
  return rest;
}

const MONTH_FILE = /^\d{4}-\d{2}\.jsonl$/;

/** One month file as read: its records, its bad lines, its digest chain. */
interface FileRead<T> {
  entries: LedgerEntry<T>[];
  problems: LedgerProblem[];
  chain: ChainStatus & { file: string };
}

/**
 * A month file as last parsed: what it held and, for the file of its folder
 * parsed last (the one being appended to), its text and where the walk along
 * its chain got to, so that lines appended later are parsed and chained alone
 * (see Ledger.readFile).
 */
interface Parsed<T> {
  stamp: string;
  read: FileRead<T>;
  tail?: { text: string; lines: number; walk: ChainWalk };
}

/** Month files already read, by the schema they were read with, then path (see Ledger.readFile). */
const parsed = new WeakMap<object, Map<string, Parsed<unknown>>>();

/** Frozen to the leaves: a record read from a ledger is shared by every reader of its file. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * An append-only JSON Lines ledger: one file per month (YYYY-MM.jsonl) in a
 * folder. Lines are never rewritten; a bad line is reported, never dropped
 * silently (mlx doctor --repair moves it aside).
 */
export class Ledger<T> {
  readonly dir: string;
  private readonly schema: z.ZodType<T>;
  /**
   * The schema's verdict on a valid line, quickly, and the record without its digest, frozen;
   * zod itself says what is wrong with a bad one.
   */
  private readonly parseRecord: (value: unknown) => T | typeof REJECTED;

  constructor(dir: string, schema: z.ZodType<T>) {
    this.dir = dir;
    this.schema = schema;
    this.parseRecord = compileParser(schema, { freeze: true, omit: 'digest' });
  }

  private check(value: unknown): z.SafeParseReturnType<unknown, T> {
    const record = this.parseRecord(value);
    return record === REJECTED ? this.schema.safeParse(value) : { success: true, data: record };
  }

  /** The month files, in order: YYYY-MM.jsonl files (a folder or link of that name is stray). */
  files(): string[] {
    return this.entries()
      .filter((e) => MONTH_FILE.test(e.name) && e.isFile())
      .map((e) => path.join(this.dir, e.name))
      .sort();
  }

  /**
   * What else is in the folder, which readers ignore and doctor names: anything
   * but the month files and the folders mlx keeps beside them (`keep`).
   */
  strays(keep: readonly string[] = []): string[] {
    return this.entries()
      .filter((e) => !(MONTH_FILE.test(e.name) && e.isFile()) && !keep.includes(e.name))
      .map((e) => path.join(this.dir, e.name))
      .sort();
  }

  private entries(): fs.Dirent[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs.readdirSync(this.dir, { withFileTypes: true });
  }

  fileForMonth(month: string): string {
    return path.join(this.dir, `${month}.jsonl`);
  }

  read(files: readonly string[] = this.files()): LedgerRead<T> {
    const result: LedgerRead<T> = { entries: [], problems: [], chains: [] };
    for (const file of files) {
      const read = this.readFile(file);
      if (!read) continue;
      result.entries.push(...read.entries);
      result.problems.push(...read.problems);
      result.chains.push(read.chain);
    }
    return result;
  }

  /**
   * One month file, parsed, checked and chained; null if it does not exist.
   * The result is kept while the file is unchanged (same inode, size and
   * change time, to the nanosecond): a replay reads the ledgers after every
   * session, and parsing and chaining every earlier month again each time
   * grew with the square of its length. A file that only grew (its text
   * starts with the whole text last parsed, which ended with a newline) has
   * only its new lines parsed; its chain is checked over every line again.
   * The records are frozen, since every reader of the file shares them.
   */
  private readFile(file: string): FileRead<T> | null {
    return this.parsedFile(file)?.read ?? null;
  }

  private parsedFile(file: string): Parsed<T> | null {
    const stat = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
    if (!stat) return null;
    const stamp = `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
    let byFile = parsed.get(this.schema);
    if (!byFile) parsed.set(this.schema, (byFile = new Map()));
    const kept = byFile.get(file) as Parsed<T> | undefined;
    if (kept?.stamp === stamp) return kept;
    const text = fs.readFileSync(file, 'utf8');
    const tail = kept?.tail;
    const grown = tail && tail.text.endsWith('\n') && text.startsWith(tail.text);
    const next = {
      ...this.parseFile(file, text, grown ? { read: kept.read, tail } : undefined),
      stamp,
    };
    // Only the file parsed last in a folder keeps its text: the month being appended to.
    for (const [other, entry] of byFile)
      if (other !== file && path.dirname(other) === path.dirname(file)) delete entry.tail;
    byFile.set(file, next);
    return next;
  }

  /**
   * Parse `text`, or only what follows the text parsed `before`, adding to what
   * it held; the chain's walk goes on from where it stopped (those lines are
   * unchanged, so they chain as before).
   */
  private parseFile(
    file: string,
    text: string,
    before?: Required<Pick<Parsed<T>, 'read' | 'tail'>>,
  ): Omit<Parsed<T>, 'stamp'> {
    const read: Omit<FileRead<T>, 'chain'> = {
      entries: before ? [...before.read.entries] : [],
      problems: before ? [...before.read.problems] : [],
    };
    const chainLines: ChainLine[] = [];
    // The lines parsed before: every line of their text, which ended with a newline.
    const first = before?.tail.lines ?? 0;
    const lines = text.slice(before?.tail.text.length ?? 0).split('\n');
    const complete = text.endsWith('\n');
    // split leaves '' after the final newline; without one, the last piece is torn.
    const count = complete ? lines.length - 1 : lines.length;
    for (let i = 0; i < count; i++) {
      const lineText = lines[i];
      const line = first + i + 1;
      if (lineText.trim() === '') continue;
      const torn = !complete && i === count - 1;
      let parsedLine: unknown;
      try {
        parsedLine = JSON.parse(lineText);
      } catch (err) {
        read.problems.push({
          file,
          line,
          kind: torn ? 'torn' : 'invalid',
          detail: (err as Error).message,
          text: lineText,
        });
        continue;
      }
      if ((parsedLine as { schema?: unknown } | null)?.schema === SEAL_SCHEMA) {
        const seal = sealSchema.safeParse(parsedLine);
        if (seal.success) {
          chainLines.push({ line, text: lineText, seal: seal.data });
          continue;
        }
      }
      const checked = this.check(parsedLine);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        read.problems.push({
          file,
          line,
          kind: torn ? 'torn' : 'invalid',
          detail: `${issue.path.join('.') || '(record)'}: ${issue.message}`,
          text: lineText,
        });
        continue;
      }
      chainLines.push({ line, text: lineText });
      // Frozen already when the fast parser read it (deepFreeze stops at a frozen object).
      read.entries.push(
        Object.freeze({ record: deepFreeze(withoutDigest(checked.data)), file, line }),
      );
    }
    const walk = walkChain(before?.tail.walk ?? startChain(file), chainLines);
    return {
      read: { ...read, chain: { file, ...chainStatus(walk) } },
      tail: { text, lines: first + lines.length - 1, walk },
    };
  }

  /**
   * Append records grouped by month, each file in one write, each line chained
   * to the one before it. Every record is first checked against the ledger's
   * schema as a reader will see it (after JSON, where NaN becomes null), so a
   * line no reader accepts is never written: one bad record and nothing is.
   */
  append(records: readonly T[], monthOf: (record: T) => string): void {
    const byMonth = new Map<string, string[]>();
    for (const record of records) {
      const content = JSON.stringify(withoutDigest(record));
      const checked = this.check(JSON.parse(content));
      if (!checked.success) {
        const issue = checked.error.issues[0];
        throw new DataError(
          `refusing to append a record no reader would accept to ${this.dir}: ` +
            `${issue.path.join('.') || '(record)'}: ${issue.message} (${content.slice(0, 200)})`,
          'nothing was appended; this is a defect in mlx: please report it with the record',
        );
      }
      const month = monthOf(record);
      const lines = byMonth.get(month) ?? [];
      lines.push(content);
      byMonth.set(month, lines);
    }
    for (const [month, contents] of [...byMonth].sort())
      this.appendChained(this.fileForMonth(month), contents);
  }

  /** Append a seal to `file` (doctor --repair): it chains the lines before it. */
  appendSeal(file: string, seal: Omit<Seal, 'schema'>): void {
    this.appendChained(file, [JSON.stringify({ schema: SEAL_SCHEMA, ...seal })]);
  }

  /**
   * The chain state the next line appended to `file` starts from: the digest
   * of its last valid line that has one, else the fold over the whole file
   * (one written before digests, or none yet), as its read found it. A last
   * line without its newline counts when it is a valid record: the append
   * completes it.
   */
  private chainState(file: string): string {
    return this.parsedFile(file)?.read.chain.state ?? genesis(file);
  }

  private appendChained(file: string, contents: readonly string[]): void {
    let state = this.chainState(file);
    const lines = contents.map((content) => {
      const chained = chainLine(state, content);
      state = chained.digest;
      return chained.line;
    });
    appendLines(file, lines);
  }
}
