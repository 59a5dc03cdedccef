/**
 * The store's schema, one migration per version. Append only: a released
 * migration is never edited. `PRAGMA user_version` records how far a database has come.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: symbols, bars as traded, and every revision a source made to a stored bar.
  `
  CREATE TABLE symbols (
    symbol     TEXT PRIMARY KEY,
    exchange   TEXT NOT NULL,
    timezone   TEXT NOT NULL,
    currency   TEXT,
    name       TEXT,
    sector     TEXT,
    synthetic  INTEGER NOT NULL DEFAULT 0,
    source     TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE bars (
    symbol     TEXT NOT NULL REFERENCES symbols(symbol),
    date       TEXT NOT NULL,
    open       REAL NOT NULL,
    high       REAL NOT NULL,
    low        REAL NOT NULL,
    close      REAL NOT NULL,
    volume     REAL NOT NULL,
    dividend   REAL NOT NULL DEFAULT 0,
    split      REAL NOT NULL DEFAULT 1,
    adj_close  REAL,
    source     TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (symbol, date)
  ) WITHOUT ROWID;
  CREATE TABLE bar_revisions (
    id       INTEGER PRIMARY KEY,
    symbol   TEXT NOT NULL,
    date     TEXT NOT NULL,
    seen_at  TEXT NOT NULL,
    source   TEXT NOT NULL,
    previous TEXT NOT NULL,
    current  TEXT NOT NULL
  );
  CREATE INDEX bar_revisions_symbol ON bar_revisions(symbol, date);
  `,
];
