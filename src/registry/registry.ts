import fs from 'node:fs';
import path from 'node:path';
import { DataError, UsageError, fileSystemError } from '../errors.ts';
import { makeFolder, removeLeftoverTemps, writeFileAtomic } from '../fsutil.ts';
import { sealVersion } from './checksums.ts';
import { readValidated } from './json-file.ts';
import {
  MANIFEST_FILE,
  manifestSchema,
  paramsSchema,
  type Manifest,
  type ManifestV2,
  type ModelParams,
} from './manifest.ts';

export interface ModelVersion {
  name: string;
  version: string;
  dir: string;
  current: boolean;
  manifest: Manifest;
}

/** A version of the current format (`mlx.model/2`). */
export type ModelVersionV2 = ModelVersion & { manifest: ManifestV2 };

/**
 * The version, if it is of the current format; an `mlx.model/1` version
 * (mlx ≤ 0.1) is refused with `why` (what an old version cannot do).
 */
export function currentFormat(version: ModelVersion, why: string): ModelVersionV2 {
  const { manifest } = version;
  const file = path.join(version.dir, MANIFEST_FILE);
  if (manifest.schema !== 'mlx.model/2')
    throw new DataError(
      `${file}: ${manifest.schema} versions were made by an older mlx${why}`,
      'retrain with mlx train',
    );
  const params = paramsSchema.safeParse(manifest.params);
  if (!params.success) {
    const issue = params.error.issues[0];
    throw new DataError(
      `${file}: params.${issue.path.join('.')}: ${issue.message}`,
      'retrain with mlx train',
    );
  }
  // The params as written (their schema has no defaults): a version imported like this one keeps them.
  return { ...version, manifest: { ...manifest, params: manifest.params as ModelParams } };
}

/** What a version folder's name may be: no separator, no '..', no hidden folder. */
const VERSION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * models/<name>/<version>/: one immutable folder per trained version, and
 * models/<name>/CURRENT naming the promoted one (replaced atomically).
 */
export class ModelRegistry {
  readonly root: string;

  constructor(modelsDir: string) {
    this.root = modelsDir;
  }

  names(): string[] {
    if (!fs.existsSync(this.root)) return [];
    return fs
      .readdirSync(this.root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  }

  versions(name: string): ModelVersion[] {
    const dir = path.join(this.root, name);
    if (!fs.existsSync(dir)) return [];
    const current = this.currentVersion(name);
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort()
      .map((version) => ({
        name,
        version,
        dir: path.join(dir, version),
        current: version === current,
        manifest: this.manifest(name, version),
      }));
  }

  /** Whether NAME/VERSION is a stored version (has its manifest). */
  has(name: string, version: string): boolean {
    return fs.existsSync(path.join(this.root, name, version, MANIFEST_FILE));
  }

  currentVersion(name: string): string | null {
    const file = path.join(this.root, name, 'CURRENT');
    if (!fs.existsSync(file)) return null;
    const version = fs.readFileSync(file, 'utf8').trim();
    // A version folder inside the model's own folder: never a path that leads elsewhere.
    if (!VERSION_NAME.test(version)) {
      throw new DataError(
        `${file} names "${version.slice(0, 80)}", which is not a version folder of ${path.join(this.root, name)}`,
        `promote an existing version: mlx models promote ${name} VERSION (mlx models ls lists them)`,
      );
    }
    if (!fs.existsSync(path.join(this.root, name, version, MANIFEST_FILE))) {
      throw new DataError(
        `${file} names version ${version}, which has no manifest.json`,
        `promote an existing version: mlx models promote ${name} VERSION`,
      );
    }
    return version;
  }

  /** The promoted version of a model, or a DataError telling the user to train. */
  current(name: string): ModelVersion {
    const version = this.currentVersion(name);
    if (!version) {
      throw new DataError(
        `no promoted model "${name}" in ${this.root}`,
        this.versions(name).length > 0
          ? `promote one: mlx models promote ${name} VERSION (see mlx models ls)`
          : 'train one first: mlx train',
      );
    }
    return this.get(name, version);
  }

  get(name: string, version: string): ModelVersion {
    const dir = path.join(this.root, name, version);
    if (!fs.existsSync(path.join(dir, MANIFEST_FILE))) {
      throw new UsageError(`no model version ${name}/${version}`, 'see mlx models ls');
    }
    return {
      name,
      version,
      dir,
      current: this.currentVersion(name) === version,
      manifest: this.manifest(name, version),
    };
  }

  manifest(name: string, version: string): Manifest {
    // As written: `models show` prints the manifest as train wrote it.
    return readValidated(path.join(this.root, name, version, MANIFEST_FILE), manifestSchema, {
      asWritten: true,
    });
  }

  /** A fresh version id from the clock: 20260201T020000Z, suffixed if taken. */
  newVersionId(now: Date, name: string): string {
    const base = now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    let version = base;
    for (let n = 2; fs.existsSync(path.join(this.root, name, version)); n++)
      version = `${base}-${n}`;
    return version;
  }

  /**
   * Write a version: `fill` writes into a temporary folder, which is renamed
   * into place only when complete, so a crash never leaves half a model.
   */
  async create(
    name: string,
    version: string,
    fill: (dir: string) => Promise<void>,
  ): Promise<string> {
    const finalDir = path.join(this.root, name, version);
    const temp = path.join(this.root, name, `.tmp-${version}-${process.pid}`);
    // A version a killed command was writing (train, models import) goes first.
    removeLeftoverTemps(path.join(this.root, name));
    fs.rmSync(temp, { recursive: true, force: true });
    try {
      makeFolder(temp);
    } catch (err) {
      throw fileSystemError(err, 'cannot create the folder', temp);
    }
    try {
      await fill(temp);
      // The one place a version is finished: every file it holds gets its checksum.
      sealVersion(temp);
      fs.renameSync(temp, finalDir);
    } catch (err) {
      fs.rmSync(temp, { recursive: true, force: true });
      throw err;
    }
    return finalDir;
  }

  promote(name: string, version: string): void {
    this.get(name, version);
    removeLeftoverTemps(path.join(this.root, name));
    writeFileAtomic(path.join(this.root, name, 'CURRENT'), `${version}\n`);
  }
}
