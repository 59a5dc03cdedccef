import path from 'node:path';
import { z } from 'zod';
import type { Scaler } from '../dataset/scaler.ts';
import { readValidated, writeJson } from './json-file.ts';

/** scaler.json of a model version: the per-symbol and pooled feature moments, fitted on training rows. */
const momentsSchema = z.object({ mean: z.array(z.number()), std: z.array(z.number()) });
export const scalerFileSchema = z.object({
  schema: z.literal('mlx.scaler/1'),
  feature_names: z.array(z.string()),
  pooled: momentsSchema,
  symbols: z.record(z.string(), momentsSchema),
});
export type ScalerFile = z.infer<typeof scalerFileSchema>;

export const SCALER_FILE = 'scaler.json';

export function scalerToFile(scaler: Scaler): ScalerFile {
  const plain = (m: { mean: Float64Array; std: Float64Array }) => ({
    mean: [...m.mean],
    std: [...m.std],
  });
  return {
    schema: 'mlx.scaler/1',
    feature_names: [...scaler.featureNames],
    pooled: plain(scaler.pooled),
    symbols: Object.fromEntries([...scaler.bySymbol].map(([symbol, m]) => [symbol, plain(m)])),
  };
}

export function scalerFromFile(file: ScalerFile): Scaler {
  const typed = (m: { mean: number[]; std: number[] }) => ({
    mean: Float64Array.from(m.mean),
    std: Float64Array.from(m.std),
  });
  return {
    featureNames: file.feature_names,
    pooled: typed(file.pooled),
    bySymbol: new Map(Object.entries(file.symbols).map(([symbol, m]) => [symbol, typed(m)])),
  };
}

export function writeScaler(dir: string, scaler: Scaler): void {
  writeJson(path.join(dir, SCALER_FILE), scalerToFile(scaler));
}

export function readScaler(dir: string): Scaler {
  return scalerFromFile(readValidated(path.join(dir, SCALER_FILE), scalerFileSchema));
}
