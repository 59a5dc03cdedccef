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
  // 2: derived state rebuilt from the ledgers (mlx doctor --reindex): the
  // prediction and verification indexes, per-stock signal weights and their history.
  `
  CREATE TABLE prediction_index (
    id            TEXT PRIMARY KEY,
    symbol        TEXT NOT NULL,
    as_of         TEXT NOT NULL,
    target_date   TEXT NOT NULL,
    horizon_days  INTEGER NOT NULL,
    model_name    TEXT NOT NULL,
    model_version TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    file          TEXT NOT NULL,
    line          INTEGER NOT NULL,
    record        TEXT NOT NULL
  );
  CREATE INDEX prediction_index_symbol ON prediction_index(symbol, as_of);
  CREATE INDEX prediction_index_as_of ON prediction_index(as_of);
  CREATE TABLE verification_index (
    prediction_id TEXT PRIMARY KEY,
    symbol        TEXT NOT NULL,
    verified_at   TEXT NOT NULL,
    status        TEXT NOT NULL,
    file          TEXT NOT NULL,
    line          INTEGER NOT NULL,
    record        TEXT NOT NULL
  );
  CREATE TABLE signal_weights (
    symbol     TEXT NOT NULL,
    signal     TEXT NOT NULL,
    weight     REAL NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (symbol, signal)
  ) WITHOUT ROWID;
  CREATE TABLE weight_changes (
    id            INTEGER PRIMARY KEY,
    prediction_id TEXT NOT NULL,
    symbol        TEXT NOT NULL,
    signal        TEXT NOT NULL,
    previous      REAL NOT NULL,
    current       REAL NOT NULL,
    reason        TEXT NOT NULL,
    verified_at   TEXT NOT NULL
  );
  CREATE INDEX weight_changes_symbol ON weight_changes(symbol, id);
  `,
  // 3: per-symbol figures of the stored bars, kept up to date by every bar write, so
  // mlx data ls reads one row per symbol instead of every bar (derived: doctor --reindex
  // rebuilds it; PriceStore fills it for stores migrated from version 2).
  `
  CREATE TABLE bar_summaries (
    symbol           TEXT PRIMARY KEY,
    calendar         TEXT NOT NULL,
    rows             INTEGER NOT NULL,
    first            TEXT NOT NULL,
    last             TEXT NOT NULL,
    missing_sessions INTEGER NOT NULL,
    zero_volume_days INTEGER NOT NULL,
    splits           INTEGER NOT NULL,
    dividends        INTEGER NOT NULL,
    suspicious_moves INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 4: the learning loop became relative (mlx.prediction/2, README "How the weights adapt"):
  // weights of the old absolute rule mean something else, so they start again from neutral.
  // They are derived state: mlx doctor --reindex replays them from the ledgers.
  `
  DELETE FROM signal_weights;
  DELETE FROM weight_changes;
  `,
];
