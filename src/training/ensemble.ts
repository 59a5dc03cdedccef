import { fitPlatt } from './calibration.ts';
import { fitModels, type FitInput, type FittedModels, type ModelKind } from './fit.ts';
import {
  COMPONENTS,
  fitHead,
  type ComponentName,
  type BlendEvidence,
  type ComponentScores,
  type Head,
  type HeadFitRows,
  type HeadWeighting,
  type TrainingBase,
} from './head.ts';
import { datasetInputs } from '../dataset/model-inputs.ts';
import type { Dataset } from '../dataset/panel.ts';
import {
  scoreComponents,
  unknown,
  type ModelUnit,
  type ScoringModel,
} from '../inference/score-components.ts';

/** The key of the pooled model among fitted units (the others are symbols, for --per-symbol). */
export const POOLED_UNIT = '*';

/**
 * What is fitted separately: the pooled model (one unit, every row), or one
 * model per symbol (--per-symbol). Units partition the rows.
 */
export interface FitUnit {
  key: string;
  has: (row: number) => boolean;
}

export const POOLED: readonly FitUnit[] = [{ key: POOLED_UNIT, has: () => true }];

export function perSymbolUnits(data: Dataset): FitUnit[] {
  return data.symbols.map((symbol, s) => ({
    key: symbol,
    has: (r: number) => data.symbolIndex[r] === s,
  }));
}

/**
 * Component models of every unit, and the head fitted on their validation
 * scores; it scores rows as a loaded version does (ScoringModel).
 */
export interface FittedEnsemble extends ScoringModel {
  units: Map<string, FittedModels>;
  head: Head;
  /** Each component alone through a head of its own (how it is judged next to the ensemble). */
  componentHeads: Partial<Record<ComponentName, Head>>;
  base: TrainingBase;
  /** The validation rows and every component's raw scores on them (what the head is fitted on). */
  validation: HeadValidation;
  free(): void;
}

/** Validation rows and the raw component scores aligned with them. */
export interface HeadValidation {
  rows: Int32Array;
  scores: ComponentScores;
}

export interface EnsembleInput extends Omit<FitInput, 'trainRows' | 'validRows'> {
  trainRows: Int32Array;
  validRows: Int32Array;
  units: readonly FitUnit[];
  /** A unit with fewer rows is not fitted (its rows go unscored). */
  minimumRows?: { train: number; valid: number };
  /** Called for a unit skipped for lack of rows. */
  onSkippedUnit?: (key: string, train: number, valid: number) => void;
}

/**
 * Fit each unit's component models, then one head on the validation rows of
 * every unit that could score them. Returns null when no unit had rows.
 */
export async function fitEnsemble(input: EnsembleInput): Promise<FittedEnsemble | null> {
  const units = new Map<string, FittedModels>();
  const minimum = input.minimumRows ?? { train: 1, valid: 1 };
  // The LSTM's scores of the validation rows, each unit's made as soon as its LSTM is
  // fitted: while XGBoost may still be fitting on its own thread (FitInput.onLstmFitted).
  const lstmValidation = input.models.includes('lstm') ? unknown(input.validRows.length) : null;
  try {
    for (const unit of input.units) {
      const validAt = positionsOf(input.validRows, unit.has);
      const train = input.trainRows.filter(unit.has);
      const valid = Int32Array.from(validAt, (p) => input.validRows[p]);
      if (train.length < minimum.train || valid.length < minimum.valid) {
        input.onSkippedUnit?.(unit.key, train.length, valid.length);
        continue;
      }
      const onLstmFitted = (fitted: Pick<ModelUnit, 'lstm' | 'lstmTargetScale'>) => {
        // One unit object: scoring batches the rows of each unit it is given.
        const only: ModelUnit = { xgb: null, ...fitted };
        const alone: ScoringModel = { ...ensembleModel(units, input), unitFor: () => only };
        const scores = scoreComponents(alone, datasetInputs(input.data), valid, ['lstm']).lstm;
        scores?.forEach((score, i) => ((lstmValidation as Float64Array)[validAt[i]] = score));
      };
      units.set(
        unit.key,
        await fitModels({
          ...input,
          trainRows: train,
          validRows: valid,
          ...(lstmValidation ? { onLstmFitted } : {}),
        }),
      );
    }
    if (units.size === 0) return null;
    const model = ensembleModel(units, input);
    const others = input.models.filter((m) => m !== 'lstm');
    const scores = scoreRows(model, input.data, input.validRows, others);
    const validation = {
      rows: input.validRows,
      scores: lstmValidation ? { ...scores, lstm: lstmValidation } : scores,
    };
    const heads = fitHeads(input.data, input.trainRows, validation, {
      weighting: input.settings.head,
    });
    return {
      ...model,
      units,
      ...heads,
      validation,
      free() {
        for (const fitted of units.values()) fitted.free();
      },
    };
  } catch (err) {
    for (const fitted of units.values()) fitted.free();
    throw err;
  }
}

/** The positions in `rows` of the rows that `has` accepts. */
function positionsOf(rows: Int32Array, has: (row: number) => boolean): Int32Array {
  const positions: number[] = [];
  rows.forEach((r, p) => {
    if (has(r)) positions.push(p);
  });
  return Int32Array.from(positions);
}

/**
 * The head, and one per component alone, fitted on the validation rows every
 * component could score, with drift and base rates from the training rows.
 */
export function fitHeads(
  data: Dataset,
  trainRows: Int32Array,
  validation: HeadValidation,
  options: { weighting: HeadWeighting; evidence?: BlendEvidence },
): Pick<FittedEnsemble, 'head' | 'componentHeads' | 'base'> {
  const base = trainingBase(data, trainRows);
  const rows = headFitRows(data, validation);
  const head = fitHead(rows, base, options);
  const componentHeads: FittedEnsemble['componentHeads'] = {};
  for (const name of head.components) {
    componentHeads[name] = fitHead(
      { ...rows, components: { [name]: rows.components[name] } },
      base,
    );
  }
  return { head, componentHeads, base };
}

/** What the head is fitted on: the validation rows every component scored. */
export function headFitRows(data: Dataset, validation: HeadValidation): HeadFitRows {
  const { rows, components } = completeOnly(validation.rows, validation.scores);
  return {
    dateIndex: Int32Array.from(rows, (r) => data.dateIndex[r]),
    components,
    forward: Float64Array.from(rows, (r) => data.y[r]),
    excess: Float64Array.from(rows, (r) => data.excess[r]),
    volatility: Float64Array.from(rows, (r) => data.volatility[r]),
    intervalScale: Float64Array.from(rows, (r) => data.intervalScale[r]),
  };
}

/** Fitted units as a ScoringModel: the pooled unit scores every symbol, else each its own. */
export function ensembleModel(
  units: ReadonlyMap<string, FittedModels>,
  input: Pick<FitInput, 'data' | 'scaler' | 'settings' | 'xgbLib'>,
): ScoringModel {
  return {
    scaler: input.scaler,
    xgbLib: input.xgbLib,
    featureRanks: input.data.rankedNames,
    lstmFeatures: input.settings.lstm.features,
    lstmTimesteps: input.settings.lstm.timesteps,
    unitFor: (symbol) => units.get(POOLED_UNIT) ?? units.get(symbol) ?? null,
  };
}

/**
 * Every component's raw score for dataset `rows` (the rules' points, and the
 * `models`' predicted label, each row by its symbol's unit); NaN where no unit
 * covers a row.
 */
export function scoreRows(
  model: ScoringModel,
  data: Dataset,
  rows: Int32Array,
  models: readonly ModelKind[],
): ComponentScores {
  return {
    rules: Float64Array.from(rows, (r) => data.rulesScore[r]),
    ...scoreComponents(model, datasetInputs(data), rows, models),
  };
}

/** The rows (and their scores) whose every model component is known. */
export function completeOnly(
  rows: Int32Array,
  scores: ComponentScores,
): { rows: Int32Array; components: ComponentScores } {
  const complete = completeRows(scores);
  const components: ComponentScores = {};
  for (const name of COMPONENTS) {
    const values = scores[name];
    if (values) components[name] = values.filter((_, i) => complete[i]);
  }
  return { rows: rows.filter((_, i) => complete[i]), components };
}

/** Rows whose every model component is known (the rows all models are judged on). */
export function completeRows(scores: ComponentScores): Uint8Array {
  const n = (scores.rules as Float64Array).length;
  const complete = new Uint8Array(n).fill(1);
  for (const name of COMPONENTS) {
    const values = scores[name];
    if (!values) continue;
    for (let i = 0; i < n; i++) if (!Number.isFinite(values[i])) complete[i] = 0;
  }
  return complete;
}

/** Drift and base rate from training rows: the long-run mean of the universe's forward return. */
export function trainingBase(data: Dataset, trainRows: Int32Array): TrainingBase {
  const dates = new Set<number>();
  const width = data.featureNames.length;
  const ret1 = data.featureNames.indexOf('ret_1');
  // [ups, rows] overall, after a day up, after a day down.
  const counts = { all: [0, 0], afterUp: [0, 0], afterDown: [0, 0] };
  for (const r of trainRows) {
    dates.add(data.dateIndex[r]);
    const up = data.y[r] > 0 ? 1 : 0;
    const after = data.x[r * width + ret1] >= 0 ? counts.afterUp : counts.afterDown;
    for (const bucket of [counts.all, after]) {
      bucket[0] += up;
      bucket[1]++;
    }
  }
  let sum = 0;
  for (const d of dates) sum += data.dateMean[d];
  const drift = dates.size ? sum / dates.size : 0;
  const rate = ([ups, rows]: number[], fallback: number) => (rows ? ups / rows : fallback);
  const upRate = rate(counts.all, 0.5);
  return {
    horizonDays: data.horizonDays,
    drift,
    upRate,
    upGivenVolatility: fitPlatt(
      Float64Array.from(trainRows, (r) => drift / data.volatility[r]),
      Float64Array.from(trainRows, (r) => (data.y[r] > 0 ? 1 : 0)),
    ),
    upRateAfterUp: rate(counts.afterUp, upRate),
    upRateAfterDown: rate(counts.afterDown, upRate),
  };
}
