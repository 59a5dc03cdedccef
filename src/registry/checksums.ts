import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DataError, fileSystemError } from '../errors.ts';
import { writeFileAtomic } from '../fsutil.ts';
import { MANIFEST_FILE, type FileChecksums } from './manifest.ts';

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Every file under `dir` but the manifest, recursively, sorted. */
function versionFiles(dir: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...versionFiles(dir, relative));
    else if (relative !== MANIFEST_FILE) files.push(relative);
  }
  return files.sort();
}

export function checksumFiles(dir: string): FileChecksums {
  const checksums: FileChecksums = {};
  for (const relative of versionFiles(dir)) {
    const file = path.join(dir, relative);
    checksums[relative] = { sha256: sha256(file), size: fs.statSync(file).size };
  }
  return checksums;
}

/**
 * Record the checksums of a version folder's files in its manifest, keys as
 * written plus `files` (the version is complete: the registry calls this just
 * before renaming the folder into place).
 */
export function sealVersion(dir: string): void {
  const manifestFile = path.join(dir, MANIFEST_FILE);
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw fileSystemError(err, 'cannot read', manifestFile);
  }
  manifest.files = checksumFiles(dir);
  writeFileAtomic(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * Check a version's files against its manifest: 'checked', or 'unchecked'
 * for a version written before checksums (it still loads). A changed,
 * missing or truncated file is refused, named, with what to do.
 */
export function verifyVersion(
  dir: string,
  files: FileChecksums | undefined,
  fix: string,
): 'checked' | 'unchecked' {
  if (!files) return 'unchecked';
  for (const [relative, expected] of Object.entries(files)) {
    const file = path.join(dir, ...relative.split('/'));
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new DataError(`${file}: the file is missing from its model version`, fix);
      throw fileSystemError(err, 'cannot read', file);
    }
    if (size === 0 && expected.size > 0)
      throw new DataError(
        `${file}: the file is empty (a write cut short?), ${expected.size} bytes when written`,
        fix,
      );
    if (size !== expected.size || sha256(file) !== expected.sha256)
      throw new DataError(
        `${file}: changed since the version was written (its SHA-256 and size are in manifest.json` +
          `${size !== expected.size ? `: ${size} bytes, not ${expected.size}` : ''}); refusing to load it`,
        fix,
      );
  }
  return 'checked';
}
