import { withDefaults, type Context } from '../context.ts';
import { DataError, UsageError } from '../errors.ts';
import type { Contribution } from '../explain/contributions.ts';
import { forecastAndExplain } from '../explain/targets.ts';
import type { Prediction, PredictionV2 } from '../ledger/records.ts';
import { uniquePredictions } from '../ledger/views.ts';
import { loadModel } from '../registry/loaded-model.ts';
import { COMPONENTS, type ComponentName } from '../training/head.ts';
import { loadPanel, predictionHistoryStart } from '../dataset/panel.ts';
import { assertHomeExists } from '../home-access.ts';
import { Home } from '../home-files/home.ts';

export interface ExplainOptions {
  /** A prediction id, or a unique prefix of one (at least 6 characters). */
  id?: string;
  /** Else the symbol's prediction at `asOf` (default: its latest). */
  symbol?: string;
  asOf?: string;
  /** With a symbol: the model that made the prediction (default: config modelName, as predict). */
  modelName?: string;
  /** And that version of it only. */
  modelVersion?: string;
  /** One contribution per XGBoost input (scaled feature, per-date rank) instead of per feature. */
  inputs?: boolean;
}

/** How one component entered the ensemble. */
export interface ComponentView {
  name: ComponentName;
  /** The component's score in units of its cross-sectional spread, as recorded (null: absent). */
  score: number | null;
  /** The head's ensemble weight (fitted on validation rows). */
  head_weight: number;
  /** The stock's adaptive multiplier on it (1 for the rules, whose signals carry their own). */
  stock_weight: number;
  /** The rules that fired, with their points and the stock's weights. */
  signals?: { name: string; value: number; weight: number }[];
}

export interface ExplainResult {
  prediction_id: string;
  symbol: string;
  as_of: string;
  target_date: string;
  model: { name: string; version: string };
  predicted_change_pct: number;
  probability_up: number;
  /** `feature`: scaled input and rank summed, raw values; `input`: each XGBoost input. */
  by: 'feature' | 'input';
  /** XGBoost's raw score = bias + Σ contributions. */
  bias: number;
  margin: number;
  contributions: Contribution[];
  /** XGBoost's score as the record holds it (components.xgb × head.scale.xgb, 6 digits). */
  recorded_margin: number | null;
  components: ComponentView[];
  weighting: string;
}

/**
 * `mlx explain ID`: XGBoost's score for a recorded prediction taken apart by
 * exact TreeSHAP, recomputed with the recorded model version on the stored
 * bars up to as_of (what predict saw), and the ensemble's other components.
 */
export async function explainPrediction(
  ctx: Context,
  options: ExplainOptions,
): Promise<ExplainResult> {
  assertHomeExists(ctx);
  const record = findPrediction(ctx, options);
  if (record.schema !== 'mlx.prediction/2')
    throw new DataError(
      `prediction ${record.id} was recorded by an older mlx (${record.schema}) whose models cannot be explained`,
    );
  const registry = Home.of(ctx).models;
  const model = await loadModel(
    registry,
    record.model.name,
    ctx.config.regime,
    record.model.version,
  );
  try {
    if (!model.xgbLib || !model.head.components.includes('xgb'))
      throw new DataError(
        `model ${record.model.name}/${record.model.version} has no XGBoost component to explain`,
      );
    const manifest = model.version.manifest;
    const store = Home.of(ctx).readExistingStore();
    let panel;
    let weights;
    try {
      // As predict scored it: the model's universe, bars up to as_of.
      const symbols = [...new Set([record.symbol, ...manifest.symbols])].filter((s) =>
        store.symbolInfo(s),
      );
      panel = loadPanel(
        store,
        symbols,
        record.as_of,
        ctx.config,
        manifest.symbols,
        predictionHistoryStart(record.as_of),
      );
      weights = store.weights.bySymbol();
    } finally {
      store.close();
    }
    const entry = panel.symbols.find((p) => p.symbol === record.symbol);
    const row = entry ? entry.features.dates.lastIndexOf(record.as_of) : -1;
    if (!entry || row < 0)
      throw new DataError(
        `${record.symbol} has no bar on ${record.as_of} in the store any more: cannot recompute prediction ${record.id}`,
      );
    const targets = [{ panel: entry, row }];
    const {
      explanations: [explanation],
    } = forecastAndExplain(model, panel, targets, weights, ctx.config);
    if (!explanation)
      throw new DataError(
        `${record.symbol}: no XGBoost model scores it in ${record.model.version}`,
      );
    const scale = model.head.scale.xgb;
    const recordedMargin =
      record.components.xgb === undefined ? null : record.components.xgb * scale;
    // The record keeps the scaled score to 6 decimals.
    if (
      recordedMargin !== null &&
      Math.abs(recordedMargin - explanation.margin) > 1e-6 * scale + 1e-7
    )
      ctx.log.warn(
        `the recomputed XGBoost score ${explanation.margin.toPrecision(6)} differs from the recorded ${recordedMargin.toPrecision(6)}: the stored bars changed since the prediction`,
      );
    return {
      prediction_id: record.id,
      symbol: record.symbol,
      as_of: record.as_of,
      target_date: record.target_date,
      model: { name: record.model.name, version: record.model.version },
      predicted_change_pct: record.predicted_change_pct,
      probability_up: record.probability_up,
      by: options.inputs ? 'input' : 'feature',
      bias: explanation.bias,
      margin: explanation.margin,
      contributions: options.inputs ? explanation.inputs : explanation.features,
      recorded_margin: recordedMargin,
      components: componentViews(record, model.head.weights),
      weighting: model.head.weighting,
    };
  } finally {
    model.free();
  }
}

/** Each component's recorded score, head weight and the stock's weight (pure). */
export function componentViews(
  record: PredictionV2,
  headWeights: Readonly<Record<string, number>>,
): ComponentView[] {
  const signalWeight = (name: string) => record.signals.find((s) => s.name === name)?.weight ?? 1;
  return COMPONENTS.filter((name) => name === 'rules' || record.components[name] !== undefined).map(
    (name) => ({
      name,
      score: record.components[name] ?? null,
      head_weight: headWeights[name] ?? 0,
      stock_weight: name === 'rules' ? 1 : signalWeight(name),
      ...(name === 'rules'
        ? { signals: record.signals.filter((s) => s.name !== 'xgb' && s.name !== 'lstm') }
        : {}),
    }),
  );
}

/** The prediction asked for: by id (or a unique prefix), or by symbol and session. */
function findPrediction(ctx: Context, options: ExplainOptions): Prediction {
  const unique = uniquePredictions(Home.of(ctx).ledgers.predictions.read().entries);
  // By id, any record is explained, one a later record superseded too; by symbol, the one that counts.
  const byId = [...unique.entries, ...unique.shadowed].map((e) => e.record);
  const all = unique.entries.map((e) => e.record);
  if (options.id !== undefined) {
    const id = options.id.toLowerCase();
    if (!/^[0-9a-f]{6,64}$/.test(id))
      throw new UsageError(
        `a prediction id is 6 to 64 hex digits, got "${options.id.slice(0, 40)}"`,
      );
    const found = byId.filter((p) => p.id.startsWith(id));
    if (found.length === 0)
      throw new UsageError(
        `no prediction ${options.id} in ${ctx.home.predictionsDir}`,
        'ids are in the ledger: jq -r \'.symbol + " " + .as_of + " " + .id\' predictions/*.jsonl',
      );
    if (found.length > 1)
      throw new UsageError(
        `${options.id} is the start of ${found.length} prediction ids: give more`,
      );
    return found[0];
  }
  if (!options.symbol) throw new UsageError('name a prediction id, or a symbol (with --as-of)');
  const { modelName } = withDefaults(ctx.config, options);
  const asked = all.filter(
    (p) => p.symbol === options.symbol && (options.asOf === undefined || p.as_of === options.asOf),
  );
  const mine = asked.filter(
    (p) =>
      p.model.name === modelName &&
      (options.modelVersion === undefined || p.model.version === options.modelVersion),
  );
  if (mine.length === 0) {
    const others = [...new Set(asked.map((p) => p.model.name))].sort();
    throw new UsageError(
      `no prediction of ${options.symbol}${options.asOf ? ` as of ${options.asOf}` : ''} by model ${modelName}${options.modelVersion ? `/${options.modelVersion}` : ''}`,
      others.length > 0
        ? `model ${others.join(', ')} made one: mlx explain ${options.symbol}${options.asOf ? ` --as-of ${options.asOf}` : ''} --model ${others[0]}`
        : `mlx predictions --symbol ${options.symbol} lists its predictions`,
    );
  }
  // The latest session; for one session predicted by several versions, the last recorded.
  return mine.reduce((a, b) => (b.as_of >= a.as_of ? b : a));
}
