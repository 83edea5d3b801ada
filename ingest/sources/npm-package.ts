import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { extract } from 'tar';

/** A package pinned by exact version and the registry's integrity string (`sha512-…`). */
export interface PinnedPackage {
  name: string;
  version: string;
  integrity: string;
}

export interface FetchedPackage extends PinnedPackage {
  /** The unpacked package root (the tarball's `package/` folder). */
  dir: string;
  /** True when neither download nor unpacking was needed. */
  cached: boolean;
}

/** Downloads `name@version` as a tarball into `destDir` and returns the file's path. */
export type PackFn = (spec: string, destDir: string) => Promise<string>;

export class PackageSourceError extends Error {
  constructor(
    readonly packageName: string,
    readonly version: string,
    message: string,
  ) {
    super(message);
    this.name = 'PackageSourceError';
  }
}

/** Files a tarball may hold before it is refused as not a docs or SDK package. */
const MAX_ENTRY_BYTES = 32 * 1024 * 1024;

/**
 * Brings a pinned package's tarball into the cache, verified against its pinned integrity, and
 * unpacks it there; an already unpacked, verified copy is used as it is (no network, no work).
 * Only the tarball is fetched, never its dependencies. A download failure or an integrity
 * mismatch throws a PackageSourceError naming the package and the fix; nothing in the cache is
 * replaced by an unverified file.
 */
export async function fetchPinnedPackage(pkg: PinnedPackage, cacheDir: string, pack: PackFn = npmPack): Promise<FetchedPackage> {
  const key = cacheKey(pkg.name, pkg.version);
  const unpacked = path.join(cacheDir, key);
  const marker = path.join(unpacked, '.integrity');
  if (existsSync(marker) && (await readFile(marker, 'utf8')).trim() === pkg.integrity) {
    return { ...pkg, dir: path.join(unpacked, 'package'), cached: true };
  }
  await mkdir(cacheDir, { recursive: true });
  const tarball = path.join(cacheDir, `${key}.tgz`);
  if (!existsSync(tarball) || !matches(await readFile(tarball), pkg.integrity)) {
    const work = await mkdtemp(path.join(cacheDir, '.download-'));
    try {
      let file: string;
      try {
        file = await pack(`${pkg.name}@${pkg.version}`, work);
      } catch (error) {
        throw new PackageSourceError(
          pkg.name,
          pkg.version,
          `Could not download ${pkg.name}@${pkg.version}: ${(error as Error).message.split('\n')[0]}. ` +
            `Check the network and the npm registry (npm config get registry), or remove this package from the sources list; the previous index keeps serving.`,
        );
      }
      const bytes = await readFile(file);
      if (!matches(bytes, pkg.integrity)) {
        throw new PackageSourceError(
          pkg.name,
          pkg.version,
          `${pkg.name}@${pkg.version} does not match its pinned integrity (expected ${pkg.integrity}, got ${integrityOf(bytes)}). ` +
            `If the pin is wrong, update it from \`npm view ${pkg.name}@${pkg.version} dist.integrity\`; otherwise the registry served another file.`,
        );
      }
      await rename(file, tarball);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  const staging = `${unpacked}.unpack-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    await extract({
      file: tarball,
      cwd: staging,
      strict: true,
      // Regular files and folders only, within the package: no links, devices or absolute paths.
      filter: (entryPath, entry) => {
        const type = 'type' in entry ? entry.type : undefined;
        const size = 'size' in entry ? (entry.size ?? 0) : 0;
        return (type === 'File' || type === 'Directory') && size <= MAX_ENTRY_BYTES && !entryPath.split('/').includes('..');
      },
    });
    const roots = await readdir(staging);
    // npm tarballs hold one top folder, `package/` by convention (a few use another name).
    const root = roots.includes('package') ? 'package' : roots.length === 1 ? roots[0] : undefined;
    if (!root) throw new PackageSourceError(pkg.name, pkg.version, `${pkg.name}@${pkg.version}: the tarball has no single top folder (found ${roots.join(', ') || 'nothing'}).`);
    if (root !== 'package') await rename(path.join(staging, root), path.join(staging, 'package'));
    await writeFile(path.join(staging, '.integrity'), `${pkg.integrity}\n`);
    await rm(unpacked, { recursive: true, force: true });
    await rename(staging, unpacked);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return { ...pkg, dir: path.join(unpacked, 'package'), cached: false };
}

/** A package version's name in the cache folder: `workos-inc+widgets@1.18.0` (its tarball adds `.tgz`). */
export function cacheKey(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace(/\//g, '+')}@${version}`;
}

export function integrityOf(bytes: Buffer): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/** Checks bytes against an SRI string; any of its sha512/sha384/sha256 hashes may match. */
function matches(bytes: Buffer, integrity: string): boolean {
  return integrity.split(/\s+/).some((entry) => {
    const match = /^(sha512|sha384|sha256)-(.+)$/.exec(entry);
    return Boolean(match?.[1] && createHash(match[1]).update(bytes).digest('base64') === match[2]);
  });
}

/** `npm pack name@version` into a folder: the tarball alone, no dependencies, no scripts. */
function npmPack(spec: string, destDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, ['pack', spec, '--pack-destination', destDir, '--json', '--ignore-scripts', '--silent'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`npm pack ${spec} exited with ${code}: ${stderr.trim().split('\n').slice(-1)[0] ?? ''}`));
      try {
        const [info] = JSON.parse(stdout) as Array<{ filename: string }>;
        if (!info) throw new Error('no file reported');
        resolve(path.join(destDir, info.filename.replace(/^@/, '').replace(/\//g, '-')));
      } catch (error) {
        reject(new Error(`npm pack ${spec} printed no tarball name (${(error as Error).message})`));
      }
    });
  });
}
