import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { IndexWriteError, writeFailure, writeStep } from './errors.js';
import { acquireLock, type IndexLock } from './index-lock.js';
import { hashFile, LAYOUT, resolveIndexFolder, sha256, VERSION_NAME } from './index-dir.js';
import { ARTIFACTS, type Encoded } from './format/codecs.js';
import type { Manifest } from './format/manifest.js';

/**
 * Writes a new version of an index folder (layout in index-dir.ts). Rules that keep users' files
 * safe: an existing folder is used only when it is empty, already an index of this program (marker
 * or a manifest.json of ours), or an index of the older plain layout; anything is deleted only
 * when it is a version folder this program named and marked, a pointer temp file of the exact
 * name it generates, or (after an upgrade) a file the older plain index's own manifest lists.
 */
export class RefusedIndexFolderError extends Error {
  constructor(
    readonly dir: string,
    readonly reason: string,
  ) {
    super(
      `Refusing to write an index at ${dir}: ${reason}. ingest never deletes or overwrites files it did not create.\n` +
        'Fix: pass --index with a new or empty folder, or with an existing index folder.',
    );
    this.name = 'RefusedIndexFolderError';
  }
}

type FolderKind = 'absent' | 'empty' | 'ours' | 'legacy';

const ARTIFACT_NAMES = new Set<string>(Object.values(ARTIFACTS));
const POINTER_TEMP = /^CURRENT\.tmp-\d+-[0-9a-f]{8}$/;

export class IndexWriter {
  private staging: string | undefined;
  private committed = false;

  private constructor(
    readonly root: string,
    private readonly createdRoot: boolean,
    private readonly lock: IndexLock,
  ) {}

  /**
   * Checks that `indexDir` may be written, creates it if missing, takes the build lock and removes
   * what interrupted builds left. Throws RefusedIndexFolderError, IndexLockedError or IndexWriteError.
   */
  static async open(indexDir: string): Promise<IndexWriter> {
    const root = path.resolve(indexDir);
    const kind = await classify(root);
    const createdRoot = kind === 'absent' ? await makeFolders(root) : false;
    await writeStep(path.join(root, LAYOUT.marker), 'marking the index folder', () => writeMarker(path.join(root, LAYOUT.marker), 'index'));
    const lock = await acquireLock(path.join(root, LAYOUT.lock));
    const writer = new IndexWriter(root, createdRoot, lock);
    try {
      // With an unreadable CURRENT nothing is pruned now; the commit replaces CURRENT and prunes then.
      const current = currentVersion(root);
      if (current !== undefined) await writer.prune(new Set([current ?? '', await newestComplete(root)]));
    } catch (error) {
      await writer.abort();
      throw error;
    }
    return writer;
  }

  /** Creates the (marked) version folder the build writes into; returns its path. */
  async stage(): Promise<string> {
    if (this.staging) return this.staging;
    const name = versionName();
    const folder = path.join(this.root, name);
    await writeStep(folder, 'creating the new index version folder', () => mkdir(folder));
    this.staging = folder;
    await writeStep(path.join(folder, LAYOUT.marker), 'marking the new index version', () => writeMarker(path.join(folder, LAYOUT.marker), 'version'));
    return folder;
  }

  /** Writes one artifact durably into the staging folder; returns its checksum entry. */
  async write(name: string, data: Encoded): Promise<{ sha256: string; bytes: number }> {
    const file = path.join(await this.stage(), name);
    if (typeof data !== 'string' && !Buffer.isBuffer(data)) return writeStep(file, `writing ${name}`, () => writePieces(file, data));
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await writeStep(file, `writing ${name}`, () => writeDurable(file, bytes));
    return { sha256: sha256(bytes), bytes: bytes.length };
  }

  /** Flushes a file that another writer (the HNSW library) produced and returns its checksum entry. */
  async adopt(name: string): Promise<{ sha256: string; bytes: number }> {
    const file = path.join(await this.stage(), name);
    return writeStep(file, `flushing ${name}`, async () => {
      const handle = await open(file, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      return hashFile(file);
    });
  }

  /**
   * Writes the manifest, reads every file back to check its size and checksum, and only then
   * switches CURRENT to the new version with one rename. Afterwards removes older versions (the one
   * it replaced stays, for readers that resolved it a moment ago) and an upgraded plain index's files.
   */
  async commit(manifest: Manifest): Promise<void> {
    const folder = await this.stage();
    const name = path.basename(folder);
    const written = await this.write('manifest.json', JSON.stringify(manifest, null, 2));
    for (const [artifact, expected] of Object.entries({ ...manifest.artifacts, 'manifest.json': written })) await verify(path.join(folder, artifact), expected);
    await syncDir(folder);
    const replaced = currentVersion(this.root);
    const temp = path.join(this.root, `${LAYOUT.current}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    await writeStep(temp, 'writing the CURRENT pointer', () => writeDurable(temp, Buffer.from(`${name}\n`)));
    await writeStep(path.join(this.root, LAYOUT.current), 'switching to the new index', () => rename(temp, path.join(this.root, LAYOUT.current)));
    this.committed = true;
    await syncDir(this.root);
    await this.prune(new Set([name, replaced ?? '']));
    await removeUpgradedPlainIndex(this.root);
  }

  /** Removes the unfinished version (if any) and releases the lock; the previous index is untouched. */
  async abort(): Promise<void> {
    if (this.staging && !this.committed) await rm(this.staging, { recursive: true, force: true }).catch(() => {});
    this.staging = undefined;
    await this.release();
    if (this.createdRoot) {
      // Only a folder that this run created and that holds nothing but its marker is removed.
      const entries = await readdir(this.root).catch(() => ['?']);
      if (entries.length === 1 && entries[0] === LAYOUT.marker) {
        await unlink(path.join(this.root, LAYOUT.marker)).catch(() => {});
        await rmdir(this.root).catch(() => {});
      }
    }
  }

  async release(): Promise<void> {
    await this.lock.release();
  }

  /** Removes this program's version folders other than `keep`, and pointer temp files. Lock held. */
  private async prune(keep: Set<string>): Promise<void> {
    for (const entry of await readdir(this.root)) {
      const full = path.join(this.root, entry);
      if (POINTER_TEMP.test(entry)) await unlink(full).catch(() => {});
      if (!VERSION_NAME.test(entry) || keep.has(entry)) continue;
      if (await exists(path.join(full, LAYOUT.marker))) await rm(full, { recursive: true, force: true });
      // A version folder that died before its marker was written can only be empty.
      else await rmdir(full).catch(() => {});
    }
  }
}

/** The version CURRENT names: null for none (or the plain layout), undefined when CURRENT is unreadable. */
function currentVersion(root: string): string | null | undefined {
  try {
    return resolveIndexFolder(root).version;
  } catch {
    return undefined;
  }
}

async function classify(root: string): Promise<FolderKind> {
  let info;
  try {
    info = await stat(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'absent';
    if (code === 'ENOTDIR') throw new RefusedIndexFolderError(root, 'a part of the path is a file, not a folder');
    throw writeFailure(error, root, 'reading the index folder');
  }
  if (!info.isDirectory()) throw new RefusedIndexFolderError(root, 'it is a file, not a folder');
  const entries = await readdir(root);
  if (entries.includes(LAYOUT.marker)) return 'ours';
  if (entries.includes('manifest.json') && isPlainIndexManifest(path.join(root, 'manifest.json'))) return 'legacy';
  if (entries.length === 0) return 'empty';
  const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, and ${entries.length - 5} more` : '');
  return Promise.reject(new RefusedIndexFolderError(root, `it is a folder that is not an index and not empty (it holds ${shown})`));
}

/** A manifest.json this program wrote (any format version): it has the fields only ours have. */
function isPlainIndexManifest(file: string): boolean {
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    return typeof m.formatVersion === 'number' && typeof m.artifacts === 'object' && m.artifacts !== null && (typeof m.corpus === 'object' || Array.isArray(m.sources)) && typeof m.embedder === 'object';
  } catch {
    return false;
  }
}

/**
 * After the switch, an index of the older plain layout still has its files at the top of the
 * folder. Only the files its manifest lists under known artifact names, and the manifest, go.
 */
async function removeUpgradedPlainIndex(root: string): Promise<void> {
  const manifestFile = path.join(root, 'manifest.json');
  if (!isPlainIndexManifest(manifestFile)) return;
  const listed = Object.keys((JSON.parse(await readFile(manifestFile, 'utf8')) as { artifacts: Record<string, unknown> }).artifacts);
  for (const name of listed) if (ARTIFACT_NAMES.has(name)) await unlink(path.join(root, name)).catch(() => {});
  await unlink(manifestFile).catch(() => {});
}

/** mkdir -p one level at a time, so a read-only parent reports EROFS/EACCES rather than ENOENT. */
async function makeFolders(root: string): Promise<boolean> {
  const missing: string[] = [];
  for (let dir = root; ; dir = path.dirname(dir)) {
    if (await exists(dir)) break;
    missing.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of missing) {
    await writeStep(dir, 'creating the index folder', () => mkdir(dir)).catch((error: unknown) => {
      if ((error as IndexWriteError).code !== 'EEXIST') throw error;
    });
  }
  return missing.length > 0;
}

async function verify(file: string, expected: { sha256: string; bytes: number }): Promise<void> {
  const found = await writeStep(file, 'reading back a written file', () => hashFile(file));
  if (found.bytes !== expected.bytes || found.sha256 !== expected.sha256) {
    throw new IndexWriteError(
      file,
      undefined,
      `the file read back is ${found.bytes} bytes${found.bytes === expected.bytes ? ' with another checksum' : `, ${expected.bytes} were written`} (a full disk or a failing write)`,
      'free some disk space and check the disk, then run ingest again; the previous index is unchanged and still serves',
    );
  }
}

async function writeMarker(file: string, kind: 'index' | 'version'): Promise<void> {
  const text = JSON.stringify({ program: 'workos-docs-mcp', kind, note: 'made by workos-docs-mcp ingest; see CURRENT for the version that serves' });
  try {
    await writeDurable(file, Buffer.from(`${text}\n`), 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

async function writeDurable(file: string, bytes: Buffer, flags = 'w'): Promise<void> {
  const handle = await open(file, flags);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes text given in pieces, about a megabyte at a time, hashing what it writes. */
async function writePieces(file: string, pieces: Iterable<string>): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const handle = await open(file, 'w');
  try {
    let pending: string[] = [];
    let length = 0;
    const flush = async () => {
      const buffer = Buffer.from(pending.join(''), 'utf8');
      pending = [];
      length = 0;
      hash.update(buffer);
      bytes += buffer.length;
      await handle.writeFile(buffer); // the whole buffer, at the current position
    };
    for (const piece of pieces) {
      pending.push(piece);
      length += piece.length;
      if (length >= 1 << 20) await flush();
    }
    await flush();
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    await handle.sync().finally(() => handle.close());
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic there.
  }
}

async function newestComplete(root: string): Promise<string> {
  const complete: string[] = [];
  for (const entry of await readdir(root)) {
    if (VERSION_NAME.test(entry) && (await exists(path.join(root, entry, 'manifest.json')))) complete.push(entry);
  }
  return complete.sort().pop() ?? '';
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

function versionName(): string {
  const time = new Date().toISOString().replace(/[-:.]/g, '');
  return `v-${time}-${process.pid}-${randomBytes(4).toString('hex')}`;
}
