import { trainLstm, type LstmModel } from '../models/lstm/index.ts';
import { createRandom, shuffledIndices } from '../random.ts';
import type { FitInput, FittedModels } from './fit-input.ts';
import { buildSequences, columnIndices } from '../dataset/sequences.ts';
import { rowsByDate } from '../dataset/cross-section.ts';
import type { Dataset } from '../dataset/panel.ts';
import { dailyRankIc } from './daily-rank-ic.ts';

/** Epochs of an LSTM fit that starts from a previous fit's weights. */
const WARM_EPOCHS = 2;

/** The LSTM on an even sample of the training rows, early-stopped on validation rows. */
export async function fitLstm(input: FitInput): Promise<{
  model: LstmModel;
  targetScale: number;
  info: NonNullable<FittedModels['info']['lstm']>;
}> {
  const { data, trainRows, validRows, settings } = input;
  const lstmSettings = settings.lstm;
  const columns = columnIndices(data.featureNames, lstmSettings.features);
  // The LSTM is the slow part: it sees at most maxSamples sequences, spread evenly over the
  // training rows (every symbol, every period), since it learns a cross-sectional label.
  const trainSample = evenlySpaced(trainRows, lstmSettings.maxSamples);
  const validSample = evenlySpaced(validRows, Math.ceil(lstmSettings.maxSamples / 2));
  const lstmTargetScale = stdOf(data.label, trainSample) || 1;
  const target = (rows: Int32Array) =>
    Float32Array.from(rows, (r) => data.label[r] / lstmTargetScale);
  const shuffle = shuffledIndices(trainSample.length, createRandom(input.seed));
  const shuffled = Int32Array.from(shuffle, (i) => trainSample[i]);
  const previous = input.lstmWarmStart?.architecture;
  const warm =
    previous &&
    previous.timesteps === lstmSettings.timesteps &&
    previous.features === columns.length &&
    previous.units === lstmSettings.units &&
    previous.denseUnits === lstmSettings.denseUnits
      ? input.lstmWarmStart?.weights()
      : undefined;
  const result = await trainLstm(
    {
      x: buildSequences(data, input.scaler, shuffled, columns, lstmSettings.timesteps),
      y: target(shuffled),
      samples: shuffled.length,
    },
    // Early stopping needs a loss, not every validation row: an even sample keeps it cheap.
    {
      x: buildSequences(data, input.scaler, validSample, columns, lstmSettings.timesteps),
      y: target(validSample),
      samples: validSample.length,
      ...(lstmSettings.stopOn === 'rankIc' ? { score: dailyRankIcOf(data, validSample) } : {}),
    },
    {
      timesteps: lstmSettings.timesteps,
      features: columns.length,
      units: lstmSettings.units,
      denseUnits: lstmSettings.denseUnits,
      // A warm start already fits last month's rows: a pass or two adapts it.
      epochs: warm ? Math.min(WARM_EPOCHS, lstmSettings.epochs) : lstmSettings.epochs,
      batchSize: lstmSettings.batchSize,
      learningRate: lstmSettings.learningRate,
      patience: lstmSettings.patience,
      seed: input.seed,
    },
    {
      onEpoch: (e) =>
        input.onEvent?.({
          kind: 'lstm-epoch',
          epoch: e.epoch + 1,
          epochs: lstmSettings.epochs,
          loss: e.loss,
          valLoss: e.valLoss,
        }),
    },
    warm,
  );
  return {
    model: result.model,
    targetScale: lstmTargetScale,
    info: {
      warm_start: warm !== undefined,
      epochs_run: result.epochsRun,
      best_epoch: result.bestEpoch,
      samples: shuffled.length,
      samples_per_second: Math.round(result.samplesPerSecond),
      backend: result.backend,
    },
  };
}

/**
 * The daily Rank IC of predictions for `rows` against their realised returns, over the
 * dates with enough of them (−Infinity with none).
 */
function dailyRankIcOf(data: Dataset, rows: Int32Array): (predicted: Float32Array) => number {
  const groups = [...rowsByDate(Int32Array.from(rows, (r) => data.dateIndex[r])).values()];
  const realised = Float64Array.from(rows, (r) => data.y[r]);
  return (predicted) => dailyRankIc(Float64Array.from(predicted), realised, groups) ?? -Infinity;
}

/** At most `count` of `rows`, evenly spaced (all of them when there are fewer). */
export function evenlySpaced(rows: Int32Array, count: number): Int32Array {
  if (rows.length <= count) return rows;
  return Int32Array.from(
    { length: count },
    (_, i) => rows[Math.floor(((i + 0.5) * rows.length) / count)],
  );
}

function stdOf(values: Float64Array, rows: Int32Array): number {
  const m = meanOf(values, rows);
  let ss = 0;
  for (const r of rows) ss += (values[r] - m) ** 2;
  return rows.length > 1 ? Math.sqrt(ss / (rows.length - 1)) : 0;
}

export function meanOf(values: Float64Array, rows: Int32Array): number {
  let sum = 0;
  for (const r of rows) sum += values[r];
  return rows.length ? sum / rows.length : 0;
}
