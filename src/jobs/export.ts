import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../context.ts';
import { fileSystemError, UsageError } from '../errors.ts';
import { barsTable } from '../export/bars.ts';
import { featureRows } from '../export/feature-rows.ts';
import { featuresTable } from '../export/features.ts';
import { predictionsTable, verificationsTable } from '../export/ledgers.ts';
import { panelSource } from '../export/panel-source.ts';
import { SeriesCache } from '../export/series-cache.ts';
import type { ExportTable } from '../export/table.ts';
import { TableWriter, type ExportFormat } from '../export/write.ts';
import { featureSetIdentity } from '../features/index.ts';
import { latestVerifications, uniquePredictions } from '../ledger/views.ts';
import type { ModelVersion } from '../registry/registry.ts';
import { unknownSymbolError, type PriceStore } from '../store/price-store.ts';
import { datasetSettingsLike } from '../registry/like-version.ts';
import { readScaler } from '../registry/scaler-file.ts';
import { assertHomeExists, noStoreError } from '../home-access.ts';
import { resolveUniverse } from '../universe.ts';
import { resolveSince } from '../calendar/since.ts';
import { EXPORT_FORMATS, EXPORT_KINDS, type ExportKind } from '../export/kinds.ts';
import { Home } from '../home-files/home.ts';

export interface ExportOptions {
  what: ExportKind[];
  format: ExportFormat;
  /** The folder that receives `<what>.parquet` (or `.csv`); made if missing. */
  out: string;
  /** Sessions (bars, features) or as_of dates (ledgers) on or after this: YYYY-MM-DD or Nd. */
  since?: string;
  symbols?: string[];
  /**
   * features: the model version (NAME or NAME/VERSION) whose universe, label
   * and scaler to use; default the promoted version of the configured model, if any.
   */
  model?: string;
  /** How the work is cut up (for tests): the files are the same whatever these are. */
  tuning?: ExportTuning;
}

export interface ExportTuning {
  /** At most this many rows handed to DuckDB at once (default: one symbol's). */
  batchRows?: number;
  /** Ranked feature columns gathered per pass over the symbols (default: see RANK_PASS_BYTES). */
  rankColumnsPerPass?: number;
}

/**
 * Ranking gathers the ranked features' values (8 bytes each) a few columns at
 * a time, each pass over the symbols computing their features again: as many
 * columns a pass as fit RANK_PASS_BYTES, in no more than RANK_PASSES passes
 * (a large universe then gathers a quarter of them at a time, 2 bytes a
 * ranked value beside the 4 its rank keeps).
 */
const RANK_PASS_BYTES = 32 * 2 ** 20;
const RANK_PASSES = 4;

export interface ExportedFile {
  what: ExportKind;
  file: string;
  rows: number;
  columns: number;
}

export interface ExportResult {
  format: ExportFormat;
  out: string;
  files: ExportedFile[];
  seconds: number;
}

/** `mlx export`: bars, features and the ledgers as Parquet (or CSV) files in a folder. */
export async function exportData(ctx: Context, options: ExportOptions): Promise<ExportResult> {
  const started = performance.now();
  const what = [...new Set(options.what)];
  for (const kind of what)
    if (!EXPORT_KINDS.includes(kind))
      throw new UsageError(`cannot export "${kind}": choose from ${EXPORT_KINDS.join(', ')}`);
  if (what.length === 0) throw new UsageError(`name what to export: ${EXPORT_KINDS.join(', ')}`);
  if (!EXPORT_FORMATS.includes(options.format))
    throw new UsageError(`--format expects parquet or csv, got "${options.format}"`);
  const since = resolveSince(options.since, ctx.now());
  assertHomeExists(ctx);
  const out = path.resolve(options.out);
  try {
    fs.mkdirSync(out, { recursive: true });
  } catch (err) {
    throw fileSystemError(err, 'cannot create the export folder', out);
  }
  const symbols = options.symbols?.length ? new Set(options.symbols) : null;
  const files: ExportedFile[] = [];
  const needsStore = what.includes('bars') || what.includes('features');
  await Home.of(ctx).usingReadStore(async (store) => {
    if (needsStore && !store) throw noStoreError(ctx);
    const filters: Filters = {
      since,
      symbols,
      model: options.model,
      store: store
        ? {
            store,
            // Features after bars take the series the bars export read.
            series: new SeriesCache(store, {
              keep: what.includes('bars') && what.indexOf('bars') < what.indexOf('features'),
            }),
          }
        : null,
      tuning: options.tuning ?? {},
    };
    // One table at a time, each streamed to its file as it is built.
    const writer = await TableWriter.open(options.format);
    try {
      for (const kind of what) {
        const table = buildTable(ctx, kind, filters);
        const file = path.join(out, `${kind}.${options.format}`);
        const rows = await writer.write(table, file);
        files.push({ what: kind, file, rows, columns: table.columns.length });
      }
    } finally {
      writer.close();
    }
  });
  for (const f of files) ctx.log.info(`${f.what}: ${f.rows.toLocaleString('en')} rows → ${f.file}`);
  return {
    format: options.format,
    out,
    files,
    seconds: round((performance.now() - started) / 1000),
  };
}

interface Filters {
  since: string | undefined;
  symbols: ReadonlySet<string> | null;
  model: string | undefined;
  store: { store: PriceStore; series: SeriesCache } | null;
  tuning: ExportTuning;
}

function buildTable(ctx: Context, kind: ExportKind, filters: Filters): ExportTable {
  const keep = (symbol: string, date: string) =>
    (!filters.symbols || filters.symbols.has(symbol)) &&
    (filters.since === undefined || date >= filters.since);
  switch (kind) {
    case 'predictions': {
      const read = Home.of(ctx).ledgers.predictions.read();
      warnProblems(ctx, 'prediction', read.problems.length);
      const records = uniquePredictions(read.entries)
        .entries.map((e) => e.record)
        .filter((p) => keep(p.symbol, p.as_of));
      return predictionsTable(records);
    }
    case 'verifications': {
      const view = Home.of(ctx).readView();
      warnProblems(ctx, 'verification', view.raw.verifications.problems.length);
      if (view.refused.length)
        ctx.log.warn(
          `${view.refused.length} verification line(s) refused (unknown prediction, or verified before its target): not exported; mlx doctor names them`,
        );
      const latest = latestVerifications(view.verifications);
      const records = view.verifications
        .map((e) => e.record)
        .filter((v) => keep(v.symbol, v.as_of));
      return verificationsTable(records, latest);
    }
    case 'bars': {
      const { store, series } = filters.store as NonNullable<Filters['store']>;
      return barsTable({
        symbols: knownSymbols(store, filters.symbols) ?? store.symbolNames(),
        read: (symbol) => series.read(symbol),
        since: filters.since,
        batchRows: filters.tuning.batchRows,
      });
    }
    case 'features':
      return featuresFor(ctx, filters.store as NonNullable<Filters['store']>, filters);
  }
}

/**
 * The dataset as a model version sees it (its universe, label, ranks and
 * scaler), or as `mlx train` would build it now when there is no model.
 * Ranks are across the whole universe; filters pick rows afterwards.
 */
function featuresFor(
  ctx: Context,
  { store, series }: NonNullable<Filters['store']>,
  filters: Filters,
): ExportTable {
  const version = modelVersion(ctx, filters.model);
  const settings = version
    ? datasetSettingsLike(ctx.config, version)
    : { config: ctx.config, horizonDays: ctx.config.horizonDays };
  const universe = version ? version.manifest.symbols : resolveUniverse(ctx, store, {});
  const extra = knownSymbols(store, filters.symbols) ?? [];
  const source = panelSource(
    series,
    [...new Set([...universe, ...extra])].filter((s) => store.symbolInfo(s)),
    settings.config,
    universe,
  );
  series.release();
  const rankColumnsPerPass = (ranked: number) =>
    filters.tuning.rankColumnsPerPass ??
    Math.max(Math.ceil(ranked / RANK_PASSES), Math.floor(RANK_PASS_BYTES / (8 * source.bars)));
  const data = featureRows(source.pass, source.symbols.length, {
    horizonDays: settings.horizonDays,
    labelKind: settings.config.train.label,
    featureRanks: settings.config.train.featureRanks,
    capacity: source.bars,
    rankColumnsPerPass,
  });
  return featuresTable({
    data,
    symbols: source.symbols,
    pass: source.pass,
    keepSymbols: filters.symbols,
    since: filters.since,
    batchRows: filters.tuning.batchRows,
    featureSet: version?.manifest.feature_set.id ?? featureSetIdentity(ctx.config.regime).id,
    ...(version
      ? {
          scaler: {
            scaler: readScaler(version.dir),
            model: `${version.name}/${version.version}`,
          },
        }
      : {}),
  });
}

/** `NAME` or `NAME/VERSION` (a named model must exist); by default the promoted one, if any. */
function modelVersion(ctx: Context, model: string | undefined): ModelVersion | null {
  const registry = Home.of(ctx).models;
  if (model === undefined) {
    const current = registry.currentVersion(ctx.config.modelName);
    return current ? registry.get(ctx.config.modelName, current) : null;
  }
  const [name, version] = model.split('/');
  return version ? registry.get(name, version) : registry.current(name);
}

function knownSymbols(store: PriceStore, symbols: ReadonlySet<string> | null): string[] | null {
  if (!symbols) return null;
  for (const symbol of symbols) if (!store.symbolInfo(symbol)) throw unknownSymbolError(symbol);
  return [...symbols].sort();
}

function warnProblems(ctx: Context, what: string, count: number): void {
  if (count > 0)
    ctx.log.warn(
      `${count} ${what} ledger line(s) are torn or invalid and are not exported (mlx doctor shows them)`,
    );
}

const round = (seconds: number) => Math.round(seconds * 100) / 100;
