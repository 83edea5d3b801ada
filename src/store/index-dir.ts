import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { IndexLoadError } from './errors.js';

/**
 * The layout of an index folder (the user's `index-data/` or `--index DIR`):
 *
 *   CURRENT                   names the version folder that serves, e.g. "v-20261128T193000123Z-4242-0a1b2c3d"
 *   v-<time>-<pid>-<random>/  complete, immutable versions: manifest.json + artifacts (+ marker)
 *   .workos-docs-mcp          marker: this folder (and each version folder) was made by this program
 *   ingest.lock               held by the one ingest that may write here
 *
 * A build writes a new version folder, verifies it, then switches `CURRENT` with one rename: a
 * reader sees the old index or the new one, never a gap or a mix, and needs no recovery step.
 * An index built before this layout (a plain folder with manifest.json) still loads: with no
 * `CURRENT`, the folder itself is the index; the next ingest upgrades it.
 *
 * Reading code never renames or deletes anything; only ingest, holding the lock, removes the
 * version folders it made (see index-writer.ts).
 */
export const LAYOUT = {
  current: 'CURRENT',
  marker: '.workos-docs-mcp',
  lock: 'ingest.lock',
} as const;

/** The exact names this program gives version folders; nothing else is ever treated as one. */
export const VERSION_NAME = /^v-\d{8}T\d{9}Z-\d+-[0-9a-f]{8}$/;

export interface IndexLocation {
  /** The index folder the user named. */
  root: string;
  /** The folder whose manifest.json and artifacts are the current index. */
  folder: string;
  /** The version folder's name, or null for an index in the older plain layout (or none at all). */
  version: string | null;
}

/** The one place that resolves where the current index of an index folder lives. */
export function resolveIndexFolder(indexDir: string): IndexLocation {
  const root = path.resolve(indexDir);
  const pointer = path.join(root, LAYOUT.current);
  let name: string;
  try {
    name = readFileSync(pointer, 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { root, folder: root, version: null };
    throw new IndexLoadError(pointer, `it cannot be read (${code ?? (error as Error).message})`);
  }
  if (!VERSION_NAME.test(name)) throw new IndexLoadError(pointer, `it names ${JSON.stringify(name.slice(0, 80))}, which is not an index version folder`);
  return { root, folder: path.join(root, name), version: name };
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A file's size and sha256, read through one 256 KB buffer: reading index files whole for this
 * raised a server's resident memory by about 20 MB for good, and an ingest's peak by as much as the
 * largest file. `between` runs after each slice (a server yields to its event loop there).
 */
export async function hashFile(file: string, between?: () => Promise<void>): Promise<{ sha256: string; bytes: number }> {
  const slice = Buffer.allocUnsafe(256 * 1024);
  const hash = createHash('sha256');
  let bytes = 0;
  const handle = await open(file, 'r');
  try {
    for (;;) {
      const { bytesRead } = await handle.read(slice, 0, slice.length, null);
      if (bytesRead === 0) break;
      hash.update(slice.subarray(0, bytesRead));
      bytes += bytesRead;
      await between?.();
    }
  } finally {
    await handle.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}
