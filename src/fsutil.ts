import fs from 'node:fs';
import path from 'node:path';
import { fileSystemError } from './errors.ts';

/** The one fs call whose result the writers below must check; a seam for tests. */
export interface FileWriter {
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
}

/**
 * mkdir -p. Node's recursive mkdir says ENOENT where a parent is on a
 * read-only file system or not permitted: then each missing folder is made
 * in turn, so the error is the real one (EROFS, EACCES) and names the folder.
 */
export function makeFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    const missing: string[] = [];
    for (let at = dir; !fs.existsSync(at) && path.dirname(at) !== at; at = path.dirname(at))
      missing.unshift(at);
    for (const folder of missing) fs.mkdirSync(folder);
    throw err;
  }
}

/** Write every byte of `buffer`: write(2) may write fewer than asked (disk nearly full, size limit). */
function writeAll(fd: number, buffer: Uint8Array, writer: FileWriter): void {
  let offset = 0;
  while (offset < buffer.length) {
    const written = writer.writeSync(fd, buffer, offset, buffer.length - offset);
    if (written <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    offset += written;
  }
}

/** Replace `file` atomically: write a sibling temp file, fsync it, rename over. */
export function writeFileAtomic(
  file: string,
  contents: string | Uint8Array,
  writer: FileWriter = fs,
): void {
  const temp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    makeFolder(path.dirname(file));
    const fd = fs.openSync(temp, 'w');
    try {
      writeAll(fd, typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents, writer);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw fileSystemError(err, 'cannot write', file);
  }
}

/**
 * Append whole lines on an O_APPEND descriptor, then fsync: a crash leaves at
 * most one torn final line, never an interleaving. A write that fails part-way
 * (disk full) is undone: the file is truncated back to its length before, so
 * no torn line is left behind by an error, and the error names the file.
 */
export function appendLines(file: string, lines: readonly string[], writer: FileWriter = fs): void {
  if (lines.length === 0) return;
  let fd: number;
  try {
    makeFolder(path.dirname(file));
    fd = fs.openSync(file, 'a+');
  } catch (err) {
    throw fileSystemError(err, 'cannot append to', file);
  }
  try {
    const size = fs.fstatSync(fd).size;
    // A torn last line (no trailing newline) must not swallow our first record.
    const prefix = size > 0 && !endsWithNewline(fd, size) ? '\n' : '';
    const buffer = Buffer.from(prefix + lines.map((line) => `${line}\n`).join(''), 'utf8');
    try {
      writeAll(fd, buffer, writer);
      fs.fsyncSync(fd);
    } catch (err) {
      try {
        fs.ftruncateSync(fd, size);
        fs.fsyncSync(fd);
      } catch {
        // The truncate failed too: a reader reports the torn line and doctor --repair moves it aside.
      }
      throw fileSystemError(err, 'cannot append to', file);
    }
  } finally {
    fs.closeSync(fd);
  }
}

function endsWithNewline(fd: number, size: number): boolean {
  const last = Buffer.alloc(1);
  fs.readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

export function readJsonFile(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * The pid in a temporary name mlx makes — `FILE.tmp-PID-MS` (a file replaced
 * atomically), `.tmp-VERSION-PID` (a model version being written),
 * `.FILE.tmp-PID` (an export) — or null for any other name.
 */
export function tempOwner(name: string): number | null {
  const match =
    /^.+\.tmp-(\d+)-\d+$/.exec(name) ??
    /^\.tmp-.+-(\d+)$/.exec(name) ??
    /^\..+\.tmp-(\d+)$/.exec(name);
  return match ? Number(match[1]) : null;
}

function pidRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Temporary files and folders in `dir` (not below) left by a process that no
 * longer runs: a command killed while writing. Never one of a live process.
 */
export function leftoverTemps(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => {
      const pid = tempOwner(name);
      return pid !== null && pid !== process.pid && !pidRuns(pid);
    })
    .map((name) => path.join(dir, name))
    .sort();
}

/** Remove what `leftoverTemps` finds; returns the paths removed. */
export function removeLeftoverTemps(dir: string): string[] {
  const removed: string[] = [];
  for (const temp of leftoverTemps(dir)) {
    try {
      fs.rmSync(temp, { recursive: true, force: true });
      removed.push(temp);
    } catch {
      // One that cannot go stays for doctor to name.
    }
  }
  return removed;
}
