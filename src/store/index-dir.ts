import { createHash } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { mkdir, readFile, rename, rm, open } from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from './manifest.js';
import { ARTIFACTS } from './manifest.js';

/**
 * The index folder is complete or absent: a build writes into a temporary sibling, writes the
 * manifest (with every file's checksum) last, then swaps the folder in by rename. If a process
 * dies between the two renames of the swap, `recoverIndexDir` puts the previous folder back.
 */
export type ArtifactName = (typeof ARTIFACTS)[keyof typeof ARTIFACTS];

export interface ArtifactWrite {
  name: ArtifactName;
  data: Buffer | string;
}

/** Writes artifacts and their manifest into a fresh temp folder; returns its path. */
export async function writeStaging(indexDir: string, artifacts: ArtifactWrite[], extraFiles: Array<{ name: ArtifactName; file: string }>, manifest: Omit<Manifest, 'artifacts'>): Promise<string> {
  const staging = `${path.resolve(indexDir)}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(staging, { recursive: true });
  const checksums: Manifest['artifacts'] = {};
  for (const artifact of artifacts) {
    const bytes = typeof artifact.data === 'string' ? Buffer.from(artifact.data, 'utf8') : artifact.data;
    await writeDurable(path.join(staging, artifact.name), bytes);
    checksums[artifact.name] = { sha256: sha256(bytes), bytes: bytes.length };
  }
  for (const extra of extraFiles) {
    const bytes = await readFile(extra.file);
    await rename(extra.file, path.join(staging, extra.name));
    checksums[extra.name] = { sha256: sha256(bytes), bytes: bytes.length };
  }
  await writeDurable(path.join(staging, 'manifest.json'), Buffer.from(JSON.stringify({ ...manifest, artifacts: checksums }, null, 2)));
  return staging;
}

/** Swaps a complete staging folder in place of the index folder. */
export async function swapIn(staging: string, indexDir: string): Promise<void> {
  const target = path.resolve(indexDir);
  const old = `${target}.old-${process.pid}-${Date.now()}`;
  const hadOld = existsSync(target);
  if (hadOld) await rename(target, old);
  try {
    await rename(staging, target);
  } catch (error) {
    if (hadOld) await rename(old, target);
    throw error;
  }
  if (hadOld) await rm(old, { recursive: true, force: true });
}

/**
 * Cleans up after an interrupted build: removes stale staging folders and, if the index folder
 * is missing while a previous one waits under `.old-*`, restores it. Safe to call at any time.
 */
export function recoverIndexDir(indexDir: string, options: { removeStaging: boolean } = { removeStaging: true }): void {
  const target = path.resolve(indexDir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  let siblings: string[];
  try {
    siblings = readdirSync(parent);
  } catch {
    return;
  }
  const olds = siblings.filter((s) => s.startsWith(`${base}.old-`)).sort();
  if (!existsSync(target)) {
    const candidate = olds.pop();
    if (candidate && existsSync(path.join(parent, candidate, 'manifest.json'))) renameSync(path.join(parent, candidate), target);
  }
  if (!options.removeStaging) return;
  for (const name of siblings) {
    const match = /^\.(?:tmp|old|hnsw)-(\d+)-/.exec(name.slice(base.length));
    if (!name.startsWith(base) || !match) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && isAlive(pid)) continue;
    if (existsSync(path.join(parent, name))) rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function writeDurable(file: string, bytes: Buffer): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
