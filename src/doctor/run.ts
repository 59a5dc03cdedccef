import fs from 'node:fs';
import type { Context } from '../context.ts';
import { ExitCode, MlxError, errorMessage, type ExitCodeValue } from '../errors.ts';
import type { Check } from './check.ts';
import {
  examineLedgers,
  ledgerChecks,
  needsRepair,
  repairLedgers,
  type LedgerRepair,
} from './ledgers.ts';
import { badBarsCheck, findBadBars, removeBadBars } from './bars.ts';
import { checkFreshness, type Freshness } from './freshness.ts';
import { lockCheck } from './lock.ts';
import { findLeftoverTemps, removeTemps, tempsCheck } from './temps.ts';
import { modelChecks } from './models.ts';
import { verificationCheck } from './verification.ts';
import { verify } from '../jobs/verify.ts';
import type { LedgerProblem } from '../ledger/ledger.ts';
import type { RepairResult } from '../ledger/repair.ts';
import { warnAboutLedgers } from '../ledger/reader.ts';
import { inspectLock, type LockState } from '../lock.ts';
import { initTensorflow } from '../models/tf-backend.ts';
import { xgboostStatus } from '../models/xgboost/index.ts';
import type { PriceStore } from '../store/price-store.ts';
import { rebuildWeights } from '../weights/replay.ts';
import { assertHomeExists, noStoreError } from '../home-access.ts';
import { Home, type WriteAccess } from '../home-files/home.ts';

export type { Check } from './check.ts';

export interface DoctorResult {
  checks: Check[];
  ledger_problems: (LedgerProblem & { ledger: string })[];
  /** Ledger files whose bad or duplicate lines --repair moved into quarantine. */
  repaired: RepairResult[];
  /** Committed records --repair (or --reindex) appended back from the index. */
  restored: LedgerRepair['restored'];
  /** Seal lines --repair appended: chaining lines from before digests, accepting breaks left. */
  sealed: LedgerRepair['sealed'];
  /** Temporary files and folders of killed commands that --repair removed. */
  temps_removed: string[];
  /** --repair removed a lock left by a dead process or one nobody could read. */
  lock_cleared: boolean;
  /** Stored bars failing the bar checks that --repair moved into bar_revisions. */
  bars_removed: number;
  /** How far behind the clock the data predict would use is, per symbol; null with no store. */
  freshness: Freshness | null;
  reindexed: { predictions: number; verifications: number; weight_changes: number } | null;
  exit_code: ExitCodeValue;
}

export interface DoctorOptions {
  repair: boolean;
  reindex: boolean;
  /** With repair: clear a lock taken on another host (the user confirms no mlx runs there). */
  breakLock?: boolean;
}

/** doctor --repair clears an unreadable lock this old: no writer takes seconds to write its pid. */
const REPAIR_UNREADABLE_LOCK_MS = 2_000;

/**
 * `mlx doctor`: libxgboost, the tfjs backend, the lock, store integrity,
 * ledger integrity (bad lines, duplicates, records lost from a ledger), and
 * every promoted model loaded as predict loads it. Read-only unless --repair
 * or --reindex; every failing check says what --repair would do.
 */
export async function doctor(ctx: Context, options: DoctorOptions): Promise<DoctorResult> {
  assertHomeExists(ctx);
  const lockBefore = inspectLock(ctx.home.lock);
  // Only --repair and --reindex write (under the lock): plain doctor reads a read-only home too.
  const run = async (access?: WriteAccess): Promise<DoctorResult> => {
    const checks: Check[] = [...(await environmentChecks())];
    const result: DoctorResult = {
      checks,
      ledger_problems: [],
      repaired: [],
      restored: [],
      sealed: [],
      temps_removed: [],
      lock_cleared: false,
      bars_removed: 0,
      freshness: null,
      reindexed: null,
      exit_code: ExitCode.ok,
    };
    checks.push(...lockAndTemps(ctx, options, lockBefore, result));

    let store: PriceStore | null = null;
    try {
      if (fs.existsSync(ctx.home.db)) {
        try {
          store = access ? access.openStore('update') : Home.of(ctx).readStore();
          if (!store) throw noStoreError(ctx);
          const integrity = store.integrityCheck();
          checks.push({
            name: 'price store',
            ok: integrity === 'ok',
            detail: `${ctx.home.db}: schema ${store.schemaVersion()}, ${store.barCount().toLocaleString('en')} bars, integrity ${integrity}`,
          });
          const bad = findBadBars(store, ctx.now());
          const barCheck = badBarsCheck(bad);
          if (options.repair && bad.length > 0) {
            result.bars_removed = removeBadBars(store, bad, ctx.now());
            checks.push({
              ...barCheck,
              ok: true,
              detail: `${barCheck.detail}; removed`,
              hint: undefined,
            });
          } else checks.push(barCheck);
          const fresh = checkFreshness(ctx, store);
          result.freshness = fresh.freshness;
          if (fresh.check) checks.push(fresh.check);
        } catch (err) {
          store?.close();
          store = null;
          checks.push({
            name: 'price store',
            ok: false,
            detail: errorMessage(err),
            hint: err instanceof MlxError ? err.hint : undefined,
          });
        }
      } else {
        checks.push({ name: 'price store', ok: true, detail: `none yet at ${ctx.home.db}` });
      }

      const health = examineLedgers(Home.of(ctx), store?.ledgerIndex ?? null);
      for (const h of health)
        result.ledger_problems.push(...h.problems.map((p) => ({ ...p, ledger: h.name })));
      const ledgerCheckList = ledgerChecks(health);
      const repairing = (options.repair || options.reindex) && needsRepair(health);
      if (repairing) {
        // --reindex restores lost records too (dropping the index would forget them); only
        // --repair moves lines aside.
        const repaired = repairLedgers(
          Home.of(ctx),
          options.repair ? health : health.map((h) => ({ ...h, problems: [] })),
          ctx.now(),
          { seal: options.repair },
        );
        result.repaired = repaired.quarantined;
        result.restored = repaired.restored;
        result.sealed = repaired.sealed;
      }
      checks.push(
        ...ledgerCheckList.map((c) =>
          options.repair && !c.ok ? { ...c, ok: true, detail: `${c.detail}; repaired` } : c,
        ),
      );
      // The derived tables live in the store: with none, there is nothing to rebuild.
      if (store && (options.reindex || (options.repair && repairing))) {
        result.reindexed = reindex(ctx, store);
      } else if (options.reindex) {
        ctx.log.info(
          `no store at ${ctx.home.db}: nothing to reindex (verify and report read the ledgers)`,
        );
      }
    } finally {
      store?.close();
    }

    if (fs.existsSync(ctx.home.root))
      checks.push(
        await verificationCheck(ctx, (quiet) => verify(quiet, { dryRun: true, fetch: false })),
      );
    checks.push(...(await modelChecks(ctx)));
    result.exit_code = checks.every((c) => c.ok) ? ExitCode.ok : ExitCode.failure;
    return result;
  };
  return options.repair || options.reindex
    ? Home.of(ctx).withWriteLock(ctx, 'doctor', run, {
        unreadableTakeoverMs: REPAIR_UNREADABLE_LOCK_MS,
        clearNonFile: options.repair,
        breakForeign: options.repair && options.breakLock === true,
      })
    : run();
}

/** The lock and the temporary files of killed commands, and what --repair did about them. */
function lockAndTemps(
  ctx: Context,
  options: DoctorOptions,
  lockBefore: LockState,
  result: DoctorResult,
): Check[] {
  const checks: Check[] = [];
  const lock = lockCheck(ctx.home.lock, lockBefore);
  // Taking the lock for --repair took over (removed) a dead or unreadable one, moved a
  // symlink or folder aside, and another host's only with --break-lock.
  if (options.repair && !lock.ok && (lockBefore.state !== 'foreign' || options.breakLock)) {
    result.lock_cleared = true;
    checks.push({ ...lock, ok: true, detail: `${lock.detail}; removed`, hint: undefined });
  } else checks.push(lock);
  const temps = tempsCheck(findLeftoverTemps(ctx.home));
  if (options.repair && !temps.ok) {
    result.temps_removed = removeTemps(ctx.home);
    checks.push({ ...temps, ok: true, detail: `${temps.detail}; removed`, hint: undefined });
  } else checks.push(temps);
  return checks;
}

async function environmentChecks(): Promise<Check[]> {
  const checks: Check[] = [];
  const xgb = xgboostStatus();
  checks.push(
    xgb.available
      ? { name: 'libxgboost', ok: true, detail: `${xgb.version} at ${xgb.path}` }
      : {
          name: 'libxgboost',
          ok: false,
          detail: xgb.reason,
          hint: 'apt-get install libxgboost-dev (Debian/Ubuntu), brew install xgboost (macOS), or set MLX_XGBOOST_LIB',
        },
  );
  try {
    const tf = await initTensorflow();
    checks.push({
      name: 'tensorflow.js',
      ok: true,
      detail: `${tf.version} on the ${tf.backend} backend`,
    });
  } catch (err) {
    checks.push({
      name: 'tensorflow.js',
      ok: false,
      detail: errorMessage(err),
      hint: 'reinstall with npm ci',
    });
  }
  return checks;
}

/**
 * Drop the derived tables and rebuild them, deterministically: from the
 * ledgers the index (each prediction once, each prediction's latest
 * verification) and the weights, replayed in verification order; from the bars
 * the per-symbol summaries.
 */
export function reindex(
  ctx: Context,
  store: PriceStore,
): { predictions: number; verifications: number; weight_changes: number } {
  const view = Home.of(ctx).readView();
  warnAboutLedgers(ctx.log, view);
  return store.transaction(() => {
    store.ledgerIndex.clear();
    const p = store.ledgerIndex.addPredictions(view.predictions.entries);
    store.ledgerIndex.addVerifications(view.verifications);
    const v = store.ledgerIndex.verificationCount();
    const changes = rebuildWeights(store, ctx.config);
    store.refreshAllSummaries();
    return { predictions: p, verifications: v, weight_changes: changes };
  });
}
