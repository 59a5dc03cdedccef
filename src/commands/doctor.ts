import fs from 'node:fs';
import type { Context } from '../context.ts';
import { ExitCode, errorMessage, type ExitCodeValue } from '../errors.ts';
import { featureSetIdentity } from '../features/index.ts';
import { Ledger, type LedgerProblem } from '../ledger/ledger.ts';
import { clearLedgerIndex, indexPredictions, indexVerifications } from '../ledger/ledger-index.ts';
import { predictionSchema, verificationSchema } from '../ledger/records.ts';
import { quarantineLines, type RepairResult } from '../ledger/repair.ts';
import { initTensorflow } from '../models/tf-backend.ts';
import { xgboostStatus } from '../models/xgboost/index.ts';
import { ModelRegistry } from '../registry/registry.ts';
import { PriceStore } from '../store/price-store.ts';
import { rebuildWeights } from '../weights/replay.ts';
import { withWriteLock } from './session.ts';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  hint?: string;
}

export interface DoctorResult {
  checks: Check[];
  ledger_problems: (LedgerProblem & { ledger: string })[];
  repaired: RepairResult[];
  reindexed: { predictions: number; verifications: number; weight_changes: number } | null;
  exit_code: ExitCodeValue;
}

export interface DoctorOptions {
  repair: boolean;
  reindex: boolean;
}

/** `mlx doctor`: libxgboost, the tfjs backend, store integrity, ledger integrity, models. */
export async function doctor(ctx: Context, options: DoctorOptions): Promise<DoctorResult> {
  const run = async (): Promise<DoctorResult> => {
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

    const result: DoctorResult = {
      checks,
      ledger_problems: [],
      repaired: [],
      reindexed: null,
      exit_code: ExitCode.ok,
    };
    let store: PriceStore | null = null;
    if (fs.existsSync(ctx.home.db)) {
      try {
        store = PriceStore.open(ctx.home.db);
        const integrity = store.integrityCheck();
        checks.push({
          name: 'price store',
          ok: integrity === 'ok',
          detail: `${ctx.home.db}: schema ${store.schemaVersion()}, ${store.barCount().toLocaleString('en')} bars, integrity ${integrity}`,
        });
      } catch (err) {
        checks.push({ name: 'price store', ok: false, detail: errorMessage(err) });
      }
    } else {
      checks.push({ name: 'price store', ok: true, detail: `none yet at ${ctx.home.db}` });
    }

    try {
      const ledgers = [
        { name: 'predictions', ledger: new Ledger(ctx.home.predictionsDir, predictionSchema) },
        {
          name: 'verifications',
          ledger: new Ledger(ctx.home.verificationsDir, verificationSchema),
        },
      ] as const;
      for (const { name, ledger } of ledgers) {
        const read = ledger.read();
        const problems = read.problems.map((p) => ({ ...p, ledger: name }));
        result.ledger_problems.push(...problems);
        checks.push({
          name: `${name} ledger`,
          ok: problems.length === 0 || options.repair,
          detail:
            `${read.entries.length} records in ${ledger.files().length} file(s)` +
            (problems.length
              ? `, ${problems.length} bad line(s) (${problems.map((p) => `${p.file}:${p.line} ${p.kind}`).join('; ')})`
              : ''),
          hint:
            problems.length && !options.repair
              ? 'mlx doctor --repair moves them aside into predictions/quarantine/, never deleting them'
              : undefined,
        });
        if (options.repair) {
          for (const file of [...new Set(read.problems.map((p) => p.file))]) {
            result.repaired.push(
              quarantineLines(
                file,
                read.problems.filter((p) => p.file === file),
                ctx.now(),
              ),
            );
          }
        }
      }
      if (options.reindex) {
        if (!store) store = PriceStore.open(ctx.home.db);
        result.reindexed = reindex(ctx, store);
      }
    } finally {
      store?.close();
    }

    const registry = new ModelRegistry(ctx.home.modelsDir);
    const features = featureSetIdentity(ctx.config.regime);
    for (const name of registry.names()) {
      try {
        const current = registry.currentVersion(name);
        if (!current) {
          checks.push({ name: `model ${name}`, ok: true, detail: 'no promoted version' });
          continue;
        }
        const manifest = registry.manifest(name, current);
        const matches = manifest.feature_set.id === features.id;
        checks.push({
          name: `model ${name}`,
          ok: matches,
          detail: `CURRENT ${current}, feature set ${manifest.feature_set.id}${matches ? '' : ` (this mlx computes ${features.id})`}`,
          hint: matches ? undefined : 'retrain: mlx train',
        });
      } catch (err) {
        checks.push({ name: `model ${name}`, ok: false, detail: errorMessage(err) });
      }
    }
    result.exit_code = checks.every((c) => c.ok) ? ExitCode.ok : ExitCode.failure;
    return result;
  };
  return options.repair || options.reindex ? withWriteLock(ctx, 'doctor', run) : run();
}

/** Drop the derived tables and rebuild them from the ledgers, deterministically. */
export function reindex(
  ctx: Context,
  store: PriceStore,
): { predictions: number; verifications: number; weight_changes: number } {
  clearLedgerIndex(store.db);
  const predictions = new Ledger(ctx.home.predictionsDir, predictionSchema).read();
  const verifications = new Ledger(ctx.home.verificationsDir, verificationSchema).read();
  for (const problem of [...predictions.problems, ...verifications.problems]) {
    ctx.log.warn(
      `${problem.file}:${problem.line}: ${problem.kind} line skipped (${problem.detail}); mlx doctor --repair moves it aside`,
    );
  }
  const p = indexPredictions(store.db, predictions.entries);
  const v = indexVerifications(store.db, verifications.entries);
  const changes = rebuildWeights(store.db, ctx.config);
  return { predictions: p, verifications: v, weight_changes: changes };
}
