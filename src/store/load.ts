import { IndexLoadError } from './errors.js';
import { resolveIndexFolder } from './index-dir.js';
import { readIndex, readIndexForServing, readIndexSteps, readManifestIn, verifyChecksums, type LoadedIndex, type ManifestCheck, type PreviousBuild } from './format/index-format.js';
import type { Manifest } from './format/manifest.js';

/**
 * Loading the current index of an index folder: which version folder (index-dir.ts), and a retry
 * when an ingest switches versions mid-load. What the files hold and how they are checked is the
 * index format's (format/index-format.ts).
 */
export { IndexLoadError, verifyChecksums };
export type { LoadedIndex, PreviousBuild };

/** The manifest of the current index of an index folder. */
export function readManifest(indexDir: string, check?: ManifestCheck): Manifest {
  return readManifestIn(resolveIndexFolder(indexDir).folder, check);
}

/**
 * Loads and validates every file of the current index of an index folder: checksums first, then
 * structure. Changes nothing on disk. `dir` of the result is the version folder it came from.
 */
export function loadIndex(indexDir: string): LoadedIndex {
  return stable(indexDir, readIndex);
}

/**
 * Opens the current index of an index folder for serving: sizes checked, search structures decoded
 * and checked, no file hashed, docs and changelog read on first use (see readIndexForServing); the
 * caller verifies the checksums afterwards with verifyChecksums(index.dir, index.manifest).
 */
export function loadIndexForServing(indexDir: string): LoadedIndex {
  return stable(indexDir, readIndexForServing);
}

/**
 * The same load, pausing for the event loop between files so that a server keeps answering
 * requests while it loads a new index in the background.
 */
export async function loadIndexInBackground(indexDir: string): Promise<LoadedIndex> {
  for (let attempt = 0; ; attempt++) {
    const at = resolveIndexFolder(indexDir);
    try {
      const steps = readIndexSteps(at.folder, true);
      for (let step = steps.next(); ; step = steps.next()) {
        if (step.done) return step.value as LoadedIndex;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      if (!(attempt < RETRIES && movedOn(indexDir, at.version))) throw error;
    }
  }
}

/** Loads, with the same checks, only what a build reuses (the search indexes are rebuilt anyway). */
export function loadPreviousBuild(indexDir: string): PreviousBuild {
  return stable(indexDir, (folder) => drain(readIndexSteps(folder, false, { anyTokenizer: true }))) as PreviousBuild;
}

/** A load that failed because an ingest switched versions meanwhile is retried on the new one. */
const RETRIES = 3;

function stable<T>(indexDir: string, load: (folder: string) => T): T {
  for (let attempt = 0; ; attempt++) {
    const at = resolveIndexFolder(indexDir);
    try {
      return load(at.folder);
    } catch (error) {
      if (!(attempt < RETRIES && movedOn(indexDir, at.version))) throw error;
    }
  }
}

function movedOn(indexDir: string, version: string | null): boolean {
  try {
    return resolveIndexFolder(indexDir).version !== version;
  } catch {
    return false;
  }
}

function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

