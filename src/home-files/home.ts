import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../context.ts';
import { errorMessage } from '../errors.ts';
import { writeFileAtomic } from '../fsutil.ts';
import {
  assertHomeExists,
  noStoreError,
  withWriteLock,
  type WriteLockOptions,
} from '../home-access.ts';
import type { HomePaths } from '../home.ts';
import { Ledger, type LedgerProblem } from '../ledger/ledger.ts';
import { quarantineLines, type RepairResult } from '../ledger/repair.ts';
import type { Seal } from '../ledger/chain.ts';
import { readLedgerView, type HomeLedgers, type LedgerView } from '../ledger/reader.ts';
import {
  predictionSchema,
  verificationSchema,
  type Prediction,
  type Verification,
} from '../ledger/records.ts';
import type { Logger } from '../log.ts';
import { ModelRegistry } from '../registry/registry.ts';
import { PriceStore } from '../store/price-store.ts';

export type { HomeLedgers } from '../ledger/reader.ts';

/** The HTML tear sheet mlx demo leaves at the root of its home. */
const REPORT_FILE = 'report.html';
/** A backtest's result, in its replay folder. */
export const BACKTEST_FILE = 'backtest.json';

/**
 * What only the holder of a home's write lock is given (see Home.withWriteLock):
 * the store opened for writing.
 */
export interface WriteAccess {
  /** 'create' makes (and migrates) a missing store; 'update' opens one that exists, null if none. */
  openStore(mode: 'create'): PriceStore;
  openStore(mode: 'update'): PriceStore | null;
  /** The store for writing, which must exist: a missing one is an error, never created. */
  openExistingStore(): PriceStore;
  /** Remove the store (closed) and an emptied data folder: a first fetch that stored nothing. */
  discardStore(): void;
}

/**
 * The files of one home and their one writer: the store (read-only for
 * readers: no WAL switch, no migration; read-write only under the write lock),
 * the two ledgers (appending also indexes what was appended, here only) and
 * the model registry. Everything else reads through this object and writes
 * nothing into the home.
 */
export class Home {
  readonly paths: HomePaths;
  /** The ledgers to read (appending goes through the methods below). */
  readonly ledgers: HomeLedgers;
  /** Model versions: `models/<name>/<version>/` and `CURRENT` (registry/). */
  readonly models: ModelRegistry;
  private readonly predictions: Ledger<Prediction>;
  private readonly verifications: Ledger<Verification>;

  private constructor(paths: HomePaths) {
    this.paths = paths;
    this.predictions = new Ledger(paths.predictionsDir, predictionSchema);
    this.verifications = new Ledger(paths.verificationsDir, verificationSchema);
    this.ledgers = { predictions: this.predictions, verifications: this.verifications };
    this.models = new ModelRegistry(paths.modelsDir);
  }

  /** The home of a context, opened once per set of paths (a replay's arms each have theirs). */
  static of(ctx: { home: HomePaths }): Home {
    let home = opened.get(ctx.home);
    if (!home) {
      home = new Home(ctx.home);
      opened.set(ctx.home, home);
    }
    return home;
  }

  /**
   * The store read-only: no WAL switch, no migration, nothing written, so
   * readers work on a read-only home too. Null if the home has none.
   */
  readStore(): PriceStore | null {
    if (!fs.existsSync(this.paths.db)) return null;
    return PriceStore.open(this.paths.db, { readonly: true });
  }

  /** The store read-only, which must exist (a missing one is an error). */
  readExistingStore(): PriceStore {
    const store = this.readStore();
    if (!store) throw noStoreError({ home: this.paths });
    return store;
  }

  /** Open the store read-only, use it and always close it (a folder that is no home is refused). */
  async usingReadStore<T>(work: (store: PriceStore | null) => Promise<T> | T): Promise<T> {
    assertHomeExists({ home: this.paths });
    const store = this.readStore();
    try {
      return await work(store);
    } finally {
      store?.close();
    }
  }

  /**
   * Run `work` holding the home's write lock (exit 4 if another mlx holds it),
   * with the access only a writer has: the store opened for writing.
   */
  withWriteLock<T>(
    ctx: Context,
    command: string,
    work: (access: WriteAccess) => Promise<T> | T,
    options?: WriteLockOptions,
  ): Promise<T> {
    if (ctx.home.root !== this.paths.root)
      throw new Error(`the lock of ${ctx.home.root} taken through the home ${this.paths.root}`);
    return withWriteLock(ctx, command, () => work(this.writeAccess), options);
  }

  private readonly writeAccess: WriteAccess = {
    openStore: ((mode: 'create' | 'update') => {
      if (mode === 'update' && !fs.existsSync(this.paths.db)) return null;
      return PriceStore.open(this.paths.db);
    }) as WriteAccess['openStore'],
    openExistingStore: () => {
      const store = this.writeAccess.openStore('update');
      if (!store) throw noStoreError({ home: this.paths });
      return store;
    },
    discardStore: () => {
      for (const suffix of ['', '-wal', '-shm', '-journal'])
        fs.rmSync(`${this.paths.db}${suffix}`, { force: true });
      const { dataDir } = this.paths;
      if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length === 0) fs.rmdirSync(dataDir);
    },
  };

  /** Remove the home's folder if it is empty (one a first fetch created and left nothing in). */
  removeIfEmpty(): void {
    const { root } = this.paths;
    if (fs.existsSync(root) && fs.readdirSync(root).length === 0) fs.rmdirSync(root);
  }

  /** mlx demo: the home's settings (`mlx.config.json`), unless it has some; false if kept. */
  writeConfigIfMissing(settings: object): boolean {
    if (fs.existsSync(this.paths.config)) return false;
    writeFileAtomic(this.paths.config, `${JSON.stringify(settings, null, 2)}\n`);
    return true;
  }

  /** mlx demo: the HTML tear sheet (`report.html` at the home's root); returns its path. */
  writeReportHtml(html: string): string {
    const file = path.join(this.paths.root, REPORT_FILE);
    writeFileAtomic(file, html);
    return file;
  }

  /** The folder a backtest of `from` → `to` replays into unless told another: `backtests/<from>_<to>/`. */
  backtestFolder(from: string, to: string): string {
    return path.join(this.paths.root, 'backtests', `${from}_${to}`);
  }

  /** mlx backtest: its result (`backtest.json`) in its replay folder `out`. */
  writeBacktestResult(out: string, result: object): void {
    writeFileAtomic(path.join(out, BACKTEST_FILE), `${JSON.stringify(result, null, 2)}\n`);
  }

  /** Both ledgers as readers see them (`predictionFiles`: only those months of predictions). */
  readView(predictionFiles?: readonly string[]): LedgerView {
    return readLedgerView(this.ledgers, predictionFiles);
  }

  /**
   * Append predictions (each file in one write), then index them. The records
   * are committed once in the ledger, so an index that fails to catch up (a
   * full disk) is said, not turned into a failure of records that are in.
   */
  appendPredictions(store: PriceStore, records: readonly Prediction[], log: Logger): void {
    this.predictions.append(records, (r) => r.as_of.slice(0, 7));
    const added = new Set(records.map((r) => r.id));
    const months = [
      ...new Set(records.map((r) => this.predictions.fileForMonth(r.as_of.slice(0, 7)))),
    ];
    try {
      store.ledgerIndex.addPredictions(
        this.predictions.read(months).entries.filter((e) => added.has(e.record.id)),
      );
    } catch (err) {
      log.warn(
        `${records.length} prediction(s) are in the ledger, but the index could not record them (${errorMessage(err)}); ` +
          'the next mlx verify catches it up (or mlx doctor --reindex)',
      );
    }
  }

  /**
   * Append verifications to the month `month`, then index that month in one
   * transaction with `alongside` (the weight changes they make). What fails
   * after the append is said: the next verify replays it.
   */
  appendVerifications(
    store: PriceStore,
    records: readonly Verification[],
    month: string,
    alongside: () => void,
    log: Logger,
  ): void {
    this.verifications.append(records, () => month);
    try {
      const read = this.verifications.read([this.verifications.fileForMonth(month)]);
      store.transaction(() => {
        store.ledgerIndex.addVerifications(read.entries);
        alongside();
      });
    } catch (err) {
      log.warn(
        `${records.length} verification(s) are in the ledger, but the index and the weights could not be saved ` +
          `(${errorMessage(err)}); the next mlx verify replays them (or mlx doctor --reindex)`,
      );
    }
  }

  /**
   * doctor --repair: append committed records the ledger lost back into their
   * month file. They come from the index, which holds them already.
   */
  restoreRecords(
    ledger: keyof HomeLedgers,
    month: string,
    records: readonly (Prediction | Verification)[],
  ): void {
    if (ledger === 'predictions') this.predictions.append(records as Prediction[], () => month);
    else this.verifications.append(records as Verification[], () => month);
  }

  /** doctor --repair: move damaged, repeated or refused lines of `file` into quarantine. */
  quarantine(file: string, problems: readonly LedgerProblem[], now: Date): RepairResult {
    return quarantineLines(file, problems, now);
  }

  /** doctor --repair: a seal line at the end of `file`, chaining the lines before it. */
  seal(ledger: keyof HomeLedgers, file: string, seal: Omit<Seal, 'schema'>): void {
    this[ledger].appendSeal(file, seal);
  }
}

const opened = new WeakMap<HomePaths, Home>();

/** A registry of model versions outside a home of its own (a backtest's, shared by its arms). */
export function registryAt(modelsDir: string): ModelRegistry {
  return new ModelRegistry(modelsDir);
}
