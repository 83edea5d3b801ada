import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';

/** When each version of a package was published, by version: `{"1.18.0": "2026-09-09T23:42:04.587Z"}`. */
export type PublishTimes = Record<string, string>;

/** Asks the registry for a package's publish times (`npm view NAME time --json`); tests pass their own. */
export type PublishTimesFn = (name: string) => Promise<PublishTimes>;

/** How long the registry may take to answer before the entries stay undated. */
const TIMEOUT_MS = 15_000;

/**
 * A package's publish times, asked of the registry once and kept in `cacheFile` (beside the
 * package's tarball in the cache folder): the times of published versions never change, so a
 * rebuild needs no network. A failed look-up is not cached, so the next ingest asks again.
 */
export async function publishTimesOf(name: string, cacheFile: string | undefined, fetch: PublishTimesFn = npmViewTime): Promise<PublishTimes> {
  if (cacheFile) {
    try {
      const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as { name?: string; times?: PublishTimes };
      if (cached.name === name && cached.times && typeof cached.times === 'object') return cached.times;
    } catch {
      // Not asked yet, or unreadable: ask again.
    }
  }
  const times = await fetch(name);
  if (cacheFile) await writeFile(cacheFile, `${JSON.stringify({ name, times })}\n`).catch(() => {});
  return times;
}

/** `npm view NAME time --json`, through the user's npm and its registry settings, within TIMEOUT_MS. */
function npmViewTime(name: string): Promise<PublishTimes> {
  return new Promise((resolve, reject) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, ['view', name, 'time', '--json', '--fetch-retries=0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill(), TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal) return reject(new Error(`npm view ${name} time gave no answer within ${TIMEOUT_MS / 1000} s`));
      if (code !== 0) return reject(new Error(`npm view ${name} time exited with ${code}: ${stderr.trim().split('\n').slice(-1)[0] ?? ''}`));
      try {
        const times = JSON.parse(stdout) as unknown;
        if (!times || typeof times !== 'object' || Array.isArray(times)) throw new Error('not an object');
        resolve(Object.fromEntries(Object.entries(times).filter((e): e is [string, string] => typeof e[1] === 'string')));
      } catch (error) {
        reject(new Error(`npm view ${name} time printed no times (${(error as Error).message})`));
      }
    });
  });
}
