import fs from 'node:fs';
import path from 'node:path';
import type * as TfModule from '@tensorflow/tfjs';
import { z } from 'zod';
import { DataError } from '../../errors.ts';
import { writeFileAtomic } from '../../fsutil.ts';

/**
 * The LSTM's files: tfjs's standard `model.json` (layers-model format, the
 * layout tfjs-node's `file://` handler writes, so `tf.loadLayersModel` in any
 * tfjs loads it) plus one `weights.bin`. mlx's own facts about the model ride
 * in `userDefinedMetadata.mlx`, versioned by `schema`.
 */
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const LSTM_SCHEMA = 'mlx.lstm/1';

const metadataSchema = z.object({
  schema: z.literal(LSTM_SCHEMA),
  timesteps: z.number().int().positive(),
  features: z.number().int().positive(),
  units: z.number().int().positive(),
  denseUnits: z.number().int().nonnegative(),
});
export type LstmMetadata = z.infer<typeof metadataSchema>;

const weightSpecSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.literal('float32'),
});

const modelJsonSchema = z.object({
  format: z.literal('layers-model'),
  generatedBy: z.string().optional(),
  convertedBy: z.string().nullable().optional(),
  modelTopology: z.record(z.unknown()),
  weightsManifest: z
    .array(
      z.object({ paths: z.tuple([z.literal(WEIGHTS_FILE)]), weights: z.array(weightSpecSchema) }),
    )
    .length(1),
  userDefinedMetadata: z.object({ mlx: metadataSchema }),
});

/** Write the artifacts tfjs hands a save handler as `dir/model.json` + `dir/weights.bin`. */
export function writeModelFiles(
  tf: typeof TfModule,
  dir: string,
  artifacts: TfModule.io.ModelArtifacts,
  metadata: LstmMetadata,
): void {
  if (!artifacts.weightSpecs || artifacts.weightData === undefined) {
    throw new Error('TensorFlow.js produced a model without weights.');
  }
  const weights = new Uint8Array(tf.io.concatenateArrayBuffers(artifacts.weightData));
  const modelJson = {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
    userDefinedMetadata: { mlx: metadata },
  };
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, WEIGHTS_FILE), weights);
  writeFileAtomic(path.join(dir, MODEL_FILE), `${JSON.stringify(modelJson, null, 2)}\n`);
}

/** Read and validate the two files; errors name the file and what is wrong with it. */
export function readModelFiles(dir: string): {
  artifacts: TfModule.io.ModelArtifacts;
  metadata: LstmMetadata;
} {
  const modelFile = path.join(dir, MODEL_FILE);
  const weightsFile = path.join(dir, WEIGHTS_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(modelFile, 'utf8'));
  } catch (err) {
    throw new DataError(`${modelFile}: cannot read the LSTM model (${describe(err)}).`);
  }
  const parsed = modelJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataError(
      `${modelFile}: not an mlx LSTM model: ${issue.path.join('.') || '(top level)'}: ${issue.message}.`,
    );
  }
  const { weights: weightSpecs } = parsed.data.weightsManifest[0];
  let weights: Buffer;
  try {
    weights = fs.readFileSync(weightsFile);
  } catch (err) {
    throw new DataError(`${weightsFile}: cannot read the LSTM weights (${describe(err)}).`);
  }
  const expected = weightSpecs.reduce(
    (bytes, spec) => bytes + 4 * spec.shape.reduce((a, b) => a * b, 1),
    0,
  );
  if (weights.length !== expected) {
    throw new DataError(
      `${weightsFile}: ${weights.length} bytes, but ${MODEL_FILE} describes ${expected}.`,
    );
  }
  const weightData = weights.buffer.slice(
    weights.byteOffset,
    weights.byteOffset + weights.byteLength,
  ) as ArrayBuffer;
  return {
    artifacts: {
      modelTopology: parsed.data.modelTopology as TfModule.io.ModelArtifacts['modelTopology'],
      format: parsed.data.format,
      generatedBy: parsed.data.generatedBy,
      weightSpecs,
      weightData,
    },
    metadata: parsed.data.userDefinedMetadata.mlx,
  };
}

function describe(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && err.code === 'ENOENT') return 'missing';
  return err instanceof Error ? err.message : String(err);
}
