import type { Config } from '../config.ts';
import { marketRegimeAt, ruleSignalsAt } from '../features/index.ts';
import type { LoadedModel } from '../registry/loaded-model.ts';
import { centredRanks } from '../dataset/cross-section.ts';
import { applyHead, type ComponentName, type Forecast } from '../training/head.ts';
import { volatilitiesAt, type Panel, type SymbolPanel } from '../dataset/panel.ts';
import { crossSectionInputs, rowOfDate, type CrossSectionMember } from '../dataset/panel-inputs.ts';
import { scoreComponents, type ScoringModel } from '../inference/score-components.ts';
import { LOWER_WIDTH, OUTPERFORM_ODDS, UP_ODDS, UPPER_WIDTH } from '../weights/update.ts';
import { ALL_SYMBOLS, componentWeight, weightOf, type WeightTable } from '../weights/weights.ts';

export interface ScoreTarget {
  panel: SymbolPanel;
  row: number;
}

/** What the model says about one target row. */
export interface TargetForecast {
  /** Raw component scores (the models' predicted label, the rules' weighted points). */
  raw: Partial<Record<ComponentName, number>>;
  /** The same in units of each component's cross-sectional spread (what the ensemble mixes). */
  scaled: Partial<Record<ComponentName, number>>;
  /** The multiplier each component had for this stock (its adapted weight). */
  weights: Partial<Record<ComponentName, number>>;
  /** Each component's scaled score minus its mean over the session's cross-section. */
  centred: Partial<Record<ComponentName, number>>;
  score: number;
  centredScore: number;
  excess: number;
  forecast: number;
  probabilityUp: number;
  probabilityOutperform: number;
  low: number;
  high: number;
  volatility: number;
  intervalScale: number;
  /** Percentile 0–100 of the score among the session's cross-section. */
  rankPct: number;
  crossSection: number;
  /** The row XGBoost saw (xgbInputNames order), for explanations; absent without XGBoost. */
  xgbInputs?: Float32Array;
}

/**
 * Forecast each target from its session's cross-section: every symbol of the
 * panel that the model could score on that date is scored too, because the
 * excess and the rank are measured against the universe, as in training.
 */
export function forecastTargets(
  model: LoadedModel,
  panel: Panel,
  targets: readonly ScoreTarget[],
  weights: ReadonlyMap<string, WeightTable>,
  signalDefaults: Config['signalWeights'],
  adaptation: Config['adaptation'],
): TargetForecast[] {
  // One cross-section per distinct target date.
  const sessions = [...new Set(targets.map((t) => t.panel.features.dates[t.row]))];
  const members: CrossSectionMember[] = [];
  sessions.forEach((date, session) => {
    for (const entry of panel.symbols) {
      const row = rowOfDate(entry.features.dates, date);
      if (row >= 0 && scorable(model, entry, row)) members.push({ panel: entry, row, session });
    }
  });
  const position = new Map(members.map((m, i) => [`${m.panel.symbol}|${m.session}`, i]));
  const { scores, xgbInputs } = memoised(model, panel, members, () => {
    const inputs: Float32Array[] = [];
    const source = crossSectionInputs(
      panel,
      sessions,
      members,
      model.scaler.featureNames,
      model.featureRanks,
    );
    const models = model.head.components.filter((name) => name !== 'rules');
    const items = Int32Array.from(members.keys());
    const computed = scoreComponents(model, source, items, models, (i, row) => (inputs[i] = row));
    return { scores: computed, xgbInputs: inputs };
  });
  const raw: Partial<Record<ComponentName, Float64Array>> = { ...scores };
  raw.rules = Float64Array.from(members, ({ panel: entry, row }) =>
    ruleSignalsAt(entry.features, row, marketRegimeAt(entry.features, row), signalDefaults).reduce(
      (sum, rule) => sum + rule.value,
      0,
    ),
  );
  const width = model.scaler.featureNames.length;
  const volatilities = members.map(({ panel: entry, row }) =>
    volatilitiesAt(entry.features.names, entry.features.values, row * width),
  );
  const volatility = Float64Array.from(volatilities, (v) => v.volatility);
  const intervalScale = Float64Array.from(volatilities, (v) => v.intervalScale);
  const none = new Map<string, number>();
  const all = weights.get(ALL_SYMBOLS) ?? none;
  const tableOf = (i: number) => weights.get(members[i].panel.symbol) ?? none;
  const dateIndex = Int32Array.from(members, (m) => m.session);
  const forecast: Forecast = applyHead(model.head, {
    dateIndex,
    components: raw,
    volatility,
    intervalScale,
    multipliers: (i, name) => componentWeight(tableOf(i), all, name, adaptation.minEvidence),
    adapted: {
      lowerWidth: weightOf(all, LOWER_WIDTH),
      upperWidth: weightOf(all, UPPER_WIDTH),
      upOdds: weightOf(all, UP_ODDS),
      outperformOdds: weightOf(all, OUTPERFORM_ODDS),
    },
  });

  // Per session: percentile ranks of the score, and each component's cross-sectional centre.
  const rankPct = new Float64Array(members.length);
  const centres = new Map<string, number>();
  sessions.forEach((_, session) => {
    const indices = members.flatMap((m, i) => (m.session === session ? [i] : []));
    const ranks = centredRanks(indices.map((i) => forecast.score[i]));
    indices.forEach((i, k) => (rankPct[i] = indices.length > 1 ? (ranks[k] + 0.5) * 100 : 50));
    for (const name of model.head.components) {
      const values = raw[name];
      if (!values) continue;
      const sum = indices.reduce((a, i) => a + values[i] / model.head.scale[name], 0);
      centres.set(`${name}|${session}`, sum / indices.length);
    }
  });

  return targets.map((target) => {
    const session = sessions.indexOf(target.panel.features.dates[target.row]);
    const i = position.get(`${target.panel.symbol}|${session}`);
    if (i === undefined)
      throw new Error(`${target.panel.symbol} is not scorable on its as-of date`);
    const pick = (transform: (name: ComponentName, value: number) => number) =>
      Object.fromEntries(
        model.head.components
          .filter((name) => raw[name] !== undefined)
          .map((name) => [name, transform(name, (raw[name] as Float64Array)[i])]),
      ) as Partial<Record<ComponentName, number>>;
    return {
      raw: pick((_, v) => v),
      weights: pick((name) => componentWeight(tableOf(i), all, name, adaptation.minEvidence)),
      scaled: pick((name, v) => v / model.head.scale[name]),
      centred: pick(
        (name, v) => v / model.head.scale[name] - (centres.get(`${name}|${session}`) ?? 0),
      ),
      score: forecast.score[i],
      centredScore: forecast.centred[i],
      excess: forecast.excess[i],
      forecast: forecast.forecast[i],
      probabilityUp: forecast.probabilityUp[i],
      probabilityOutperform: forecast.probabilityOutperform[i],
      low: forecast.low[i],
      high: forecast.high[i],
      volatility: volatility[i],
      intervalScale: intervalScale[i],
      rankPct: rankPct[i],
      crossSection: members.filter((m) => m.session === session).length,
      ...(xgbInputs[i] ? { xgbInputs: xgbInputs[i] } : {}),
    };
  });
}

/** Whether the model can score a symbol's row: a unit for it, a valid row and the LSTM's window. */
export function scorable(model: ScoringModel, entry: SymbolPanel, row: number): boolean {
  if (!model.unitFor(entry.symbol) || !entry.features.valid[row]) return false;
  const steps = model.lstmFeatures.length > 0 ? model.lstmTimesteps : 1;
  for (let t = row - steps + 1; t < row; t++) if (t < 0 || !entry.features.valid[t]) return false;
  return true;
}

/** The last cross-section each model scored on each panel (see `memoised`). */
const lastScored = new WeakMap<
  Panel,
  WeakMap<LoadedModel, { key: string; value: ReturnType<Parameters<typeof memoised>[3]> }>
>();

/**
 * The models' scores of a cross-section, computed once: a replay predicts the
 * same session with the same model and panel for each of its arms, which
 * differ only in the weights applied afterwards. Keyed by the panel and model
 * objects and the members scored; only the last cross-section is kept.
 */
function memoised(
  model: LoadedModel,
  panel: Panel,
  members: readonly CrossSectionMember[],
  compute: () => {
    scores: Partial<Record<ComponentName, Float64Array>>;
    xgbInputs: Float32Array[];
  },
): { scores: Partial<Record<ComponentName, Float64Array>>; xgbInputs: Float32Array[] } {
  const key = members.map((m) => `${m.panel.symbol}@${m.panel.features.dates[m.row]}`).join(',');
  let byModel = lastScored.get(panel);
  if (!byModel) lastScored.set(panel, (byModel = new WeakMap()));
  const hit = byModel.get(model);
  if (hit?.key === key) return hit.value;
  const value = compute();
  byModel.set(model, { key, value });
  return value;
}
