import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { DataError, UsageError } from '../errors.ts';
import { MIGRATIONS } from './migrations.ts';

// A read-only home (a shared mount) is opened through an `immutable` URI; with
// URIs on, only names starting with "file:" are read as one, and mlx's are absolute paths.
process.env.SQLITE_USE_URI ??= '1';

let sqlite: typeof Database | undefined;

/**
 * A connection. better-sqlite3 (a CommonJS package) is loaded when the first
 * store opens, not with this module: the commands that read only the ledgers
 * (`mlx predictions`) start without it.
 */
function connect(file: string, options?: Database.Options): Database.Database {
  sqlite ??= createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  return new sqlite(file, options);
}

/**
 * Open the SQLite file (WAL), mapping what can go wrong to what the user can
 * do. `readonly` never creates, changes or migrates the file, and reads a
 * store on a read-only mount too (where SQLite cannot make its -shm file).
 */
export function openDatabase(file: string, readonly: boolean): Database.Database {
  if (readonly && !fs.existsSync(file)) {
    throw new DataError(
      `no price store at ${file}`,
      'import or fetch data first: mlx data import FILE... or mlx data fetch SYMBOL...',
    );
  }
  // Never made into a new, empty store: where one was, its data may be lost, and that is said.
  if (fs.existsSync(file) && fs.statSync(file).size === 0) {
    throw new DataError(
      `the price store ${file} is empty (0 bytes): a write cut short, or a file put there by hand`,
      'move it aside (mv data/mlx.db data/mlx.db.empty), then mlx data import FILE... or mlx data fetch to make a new one; mlx doctor --reindex rebuilds the rest from the ledgers',
    );
  }
  if (!readonly) fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    const db = readonly ? openReadOnly(file) : connect(file);
    db.pragma('busy_timeout = 10000');
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    return db;
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (['SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PERM'].includes(code)) {
      throw new UsageError(
        `cannot open the price store ${file}: ${(err as Error).message} (${code})`,
        'check the permissions of the home and of data/ (ls -l), or choose another --home',
      );
    }
    // SQLite's I/O errors on opening (SHMSIZE: its shared-memory file could not grow) come
    // from the disk, a full one above all, not from a damaged store.
    if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_FULL') {
      throw new DataError(
        `cannot open the price store ${file}: the disk is full or failing (${code}: ${(err as Error).message})`,
        'free some space (df -h shows where) and rerun; if the disk is not full, check it (dmesg). The store itself is not known to be damaged: keep it',
      );
    }
    throw new DataError(
      `cannot open the price store ${file}: ${(err as Error).message}${code ? ` (${code})` : ''}`,
      'run mlx doctor; a damaged store can be moved aside and the data imported or fetched again (mlx doctor --reindex rebuilds the rest from the ledgers)',
    );
  }
}

/**
 * A reader's connection: read-only, no WAL switch. On a read-only folder,
 * where SQLite cannot create the WAL's shared-memory file, the store is read
 * as immutable (nothing can write it there).
 */
function openReadOnly(file: string): Database.Database {
  let db: Database.Database | null = null;
  try {
    db = connect(file, { readonly: true, fileMustExist: true });
    db.pragma('user_version');
    return db;
  } catch (err) {
    db?.close();
    if (!folderIsReadOnly(path.dirname(file))) throw err;
    const uri = `file:${file.split('/').map(encodeURIComponent).join('/')}?immutable=1`;
    return connect(uri, { readonly: true, fileMustExist: true });
  }
}

function folderIsReadOnly(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    return true;
  }
  // root may write anywhere the mount allows: try, as that is what SQLite does.
  const probe = path.join(dir, `.mlx-write-probe-${process.pid}`);
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
    return false;
  } catch {
    return true;
  }
}

/** Have the -wal and -shm files a reader's connection left removed, by a last connection closing. */
export function releaseSideFiles(file: string): void {
  if (!fs.existsSync(`${file}-wal`)) return;
  try {
    const db = connect(file, { fileMustExist: true });
    // A connection that never read closes without touching the log: read once.
    db.pragma('user_version');
    db.close();
  } catch {
    // A folder that refuses it keeps them, as SQLite would.
  }
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Bring the schema up to date. `afterSummaries` fills bar_summaries for a
 * store that had bars before version 3 added the table.
 */
export function migrate(
  db: Database.Database,
  file: string,
  readonly: boolean,
  afterSummaries: () => void,
): void {
  const version = schemaVersion(db);
  if (version > MIGRATIONS.length) {
    throw new DataError(
      `${file} has schema version ${version}, newer than this mlx understands (${MIGRATIONS.length})`,
      'upgrade mlx',
    );
  }
  if (version === MIGRATIONS.length) return;
  if (readonly) {
    throw new DataError(
      `${file} needs a schema migration (version ${version} to ${MIGRATIONS.length}), which a command that only reads never makes`,
      'a command that writes upgrades it: mlx doctor --reindex, or the next mlx verify, predict or data fetch',
    );
  }
  // IMMEDIATE, and the version read again inside: two processes opening an old store
  // at once migrate it once (the second waits, then finds nothing to do).
  db.transaction(() => {
    const from = schemaVersion(db);
    for (let v = from; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]);
    if (from > 0 && from < 3) afterSummaries();
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
