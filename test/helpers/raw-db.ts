import Database from 'better-sqlite3';

/**
 * The store's SQLite file opened directly, for a test that damages or
 * inspects tables behind the store's back (the store keeps its connection to itself).
 */
export function withRawDb<T>(file: string, work: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return work(db);
  } finally {
    db.close();
  }
}
