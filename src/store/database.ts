import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DataError, UsageError } from '../errors.ts';
import { MIGRATIONS } from './migrations.ts';

/**
 * Open the SQLite file (WAL), mapping what can go wrong to what the user can
 * do. `readonly` never creates the file.
 */
export function openDatabase(file: string, readonly: boolean): Database.Database {
  if (readonly && !fs.existsSync(file)) {
    throw new DataError(
      `no price store at ${file}`,
      'import or fetch data first: mlx data import FILE... or mlx data fetch SYMBOL...',
    );
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    const db = new Database(file, { readonly });
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
    throw new DataError(
      `cannot open the price store ${file}: ${(err as Error).message}${code ? ` (${code})` : ''}`,
      'run mlx doctor; a damaged store can be moved aside and the data imported or fetched again (mlx doctor --reindex rebuilds the rest from the ledgers)',
    );
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
    throw new DataError(`${file} needs a schema migration`, 'run any writing mlx command once');
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
