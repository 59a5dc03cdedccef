import fs from 'node:fs';
import path from 'node:path';

/** Replace `file` atomically: write a sibling temp file, fsync it, rename over. */
export function writeFileAtomic(file: string, contents: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${Date.now()}`;
  const fd = fs.openSync(temp, 'w');
  try {
    if (typeof contents === 'string') fs.writeSync(fd, contents);
    else fs.writeSync(fd, contents);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}

/**
 * Append whole lines with a single write(2) on an O_APPEND descriptor, then
 * fsync: a crash leaves at most one torn final line, never an interleaving.
 */
export function appendLines(file: string, lines: readonly string[]): void {
  if (lines.length === 0) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'a+');
  try {
    const size = fs.fstatSync(fd).size;
    // A torn last line (no trailing newline) must not swallow our first record.
    const prefix = size > 0 && !endsWithNewline(fd, size) ? '\n' : '';
    fs.writeSync(fd, prefix + lines.map((line) => `${line}\n`).join(''));
    fs.fsyncSync(fd);
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
