import crypto from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';

/**
 * The digest chain of a ledger file (pure). Each line mlx writes ends with
 * `"digest":"<hex>"`, the hash of the digest before it in the file and of the
 * line's own text without that field; the first line hashes from the file's
 * name, so a line moved to another month breaks too. An edited, removed,
 * inserted or reordered line no longer chains, and the line where it shows is
 * named. Lines written before digests (no `digest`) are "unchained": they
 * still read, the chain runs over their bytes, and the first chained line
 * after them (or a seal that `doctor --repair` appends) protects them.
 * Torn and invalid lines take no part, so moving them into quarantine never
 * breaks the chain.
 */
const DIGEST_SUFFIX = /^,"digest":"[0-9a-f]{32}"\}$/;

export const SEAL_SCHEMA = 'mlx.seal/1';

/**
 * A line doctor --repair appends: it chains every line before it (an old
 * ledger's unchained lines), and records the breaks it accepted after moving
 * and restoring what it could, so they are not reported again.
 */
export const sealSchema = z.object({
  schema: z.literal(SEAL_SCHEMA),
  sealed_at: z.string(),
  reason: z.string(),
  accepted: z.array(z.object({ line: z.number().int(), key: z.string(), detail: z.string() })),
});
export type Seal = z.infer<typeof sealSchema>;

export function hash(state: string, text: string): string {
  return crypto.createHash('sha256').update(`${state}\n${text}`).digest('hex').slice(0, 32);
}

export function genesis(file: string): string {
  return hash('mlx.ledger/1', path.basename(file));
}

/** The line to write for `content` (a JSON object's text) after chain state `state`. */
export function chainLine(state: string, content: string): { line: string; digest: string } {
  const digest = hash(state, content);
  return { line: `${content.slice(0, -1)},"digest":"${digest}"}`, digest };
}

/** `,"digest":"` + 32 hex digits + `"}`: the fixed tail of a chained line. */
const SUFFIX_LENGTH = 45;

/** The digest a line carries and its text without it; null for a line without one. */
export function splitDigest(line: string): { content: string; digest: string } | null {
  // Matched at its fixed offset from the end: a ledger line is long, and every one is checked.
  const at = line.length - SUFFIX_LENGTH;
  if (at < 1 || !DIGEST_SUFFIX.test(line.slice(at))) return null;
  return { content: `${line.slice(0, at)}}`, digest: line.slice(at + 11, at + 43) };
}

export interface ChainBreak {
  line: number;
  /** What identifies the line across a quarantine: its digest, or the hash of an unchained line. */
  key: string;
  detail: string;
}

export interface ChainStatus {
  /** Lines with a digest that chains. */
  chained: number;
  /** Lines without a digest, written by an older mlx. */
  unchained: number;
  /** Unchained lines a later chained line or seal covers. */
  covered: number;
  breaks: ChainBreak[];
  /** Breaks a seal accepted (doctor --repair after repairing what it could). */
  accepted: number;
  /** The state the next line appended chains from. */
  state: string;
}

/** A line of a file's chain: a valid record or seal, with its raw text. */
export interface ChainLine {
  line: number;
  text: string;
  seal?: Seal;
}

/**
 * Where a walk along a file's chain has got to: resumed over the lines
 * appended since (see Ledger.readFile), it ends where a walk over every line
 * from the first would.
 */
export interface ChainWalk {
  state: string;
  sawChained: boolean;
  pendingUnchained: number;
  chained: number;
  unchained: number;
  covered: number;
  /** Every break found, before the seals' accepted keys are taken out. */
  breaks: readonly ChainBreak[];
  acceptedKeys: ReadonlySet<string>;
}

/** The walk before a file's first line: its state is the file name's genesis. */
export function startChain(file: string): ChainWalk {
  return {
    state: genesis(file),
    sawChained: false,
    pendingUnchained: 0,
    chained: 0,
    unchained: 0,
    covered: 0,
    breaks: [],
    acceptedKeys: new Set(),
  };
}

/** The walk `from` continued over `lines`, the file's next valid lines in order (pure). */
export function walkChain(from: ChainWalk, lines: readonly ChainLine[]): ChainWalk {
  let { state, sawChained, pendingUnchained, chained, unchained, covered } = from;
  const breaks = [...from.breaks];
  const acceptedKeys = new Set(from.acceptedKeys);
  for (const { seal } of lines) for (const a of seal?.accepted ?? []) acceptedKeys.add(a.key);
  for (const { line, text } of lines) {
    const split = splitDigest(text);
    if (!split) {
      const key = hash('unchained', text);
      // mlx never writes one after a chained line: it was added by hand, and is left out of the chain.
      if (sawChained)
        breaks.push({
          line,
          key,
          detail: 'a line without a digest after chained lines: added by hand, not by mlx',
        });
      else {
        unchained++;
        pendingUnchained++;
        state = hash(state, text);
      }
      continue;
    }
    if (hash(state, split.content) !== split.digest) {
      breaks.push({
        line,
        key: split.digest,
        detail:
          'its digest does not chain: this line was edited, or a line before it was removed, inserted or moved',
      });
    } else chained++;
    sawChained = true;
    covered += pendingUnchained;
    pendingUnchained = 0;
    state = split.digest;
  }
  return { state, sawChained, pendingUnchained, chained, unchained, covered, breaks, acceptedKeys };
}

/** What a walk found: a seal's accepted breaks (anywhere in the file) are counted, not reported. */
export function chainStatus(walk: ChainWalk): ChainStatus {
  const open = walk.breaks.filter((b) => !walk.acceptedKeys.has(b.key));
  return {
    chained: walk.chained,
    unchained: walk.unchained,
    covered: walk.covered,
    breaks: open,
    accepted: walk.breaks.length - open.length,
    state: walk.state,
  };
}

/** Walk a file's valid lines (record or seal, in order, with their raw text) and check the chain. */
export function checkChain(file: string, lines: readonly ChainLine[]): ChainStatus {
  return chainStatus(walkChain(startChain(file), lines));
}
