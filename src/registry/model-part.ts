import fs from 'node:fs';
import { DataError, MissingDependencyError, errorMessage, isSystemError } from '../errors.ts';

const HINT =
  'retrain with mlx train, or promote a version that works: mlx models promote NAME VERSION (mlx models ls lists them)';

/**
 * Load one file (or folder) of a model version. Whatever goes wrong — a
 * missing, empty or truncated file, an error from inside XGBoost or tfjs —
 * comes out as a DataError naming the file and saying what to do.
 */
export async function loadModelPart<T>(file: string, load: () => T | Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof MissingDependencyError) throw err;
    throw modelPartError(file, err);
  }
}

/** The text of a model file, refusing an empty one (a write cut short) before a parser sees it. */
export function readModelText(file: string): string {
  const text = fs.readFileSync(file, 'utf8');
  if (text.trim() === '') throw new DataError(`${file}: the file is empty`);
  return text;
}

function modelPartError(file: string, err: unknown): DataError {
  if (isSystemError(err) && err.code === 'ENOENT') {
    return new DataError(`${err.path ?? file}: the file is missing`, HINT);
  }
  // Library internals only as a short first line, without XGBoost's "[12:00:00] ./src/common/json.cc:407: ".
  const firstLine = errorMessage(err)
    .split('\n')[0]
    .replace(/\[\d{2}:\d{2}:\d{2}\] [^\s:]+:\d+: /g, '')
    .replace(
      /^Not a valid XGBoost JSON model: /,
      'not a valid XGBoost JSON model, truncated or damaged: ',
    )
    .trim();
  const reason = firstLine.length > 200 ? `${firstLine.slice(0, 200)}…` : firstLine;
  return new DataError(reason.includes(file) ? reason : `${file}: ${reason}`, HINT);
}
