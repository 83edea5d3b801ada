import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * One folder per online source (site or feed) in the cache, keyed by its URL: the bodies fetched
 * and a state file with each one's validators, so the next run asks only whether they changed.
 */
export function onlineCacheDir(cacheDir: string, kind: 'site' | 'feed', url: string): string {
  const parsed = new URL(url);
  const readable = `${parsed.host}${parsed.pathname}`.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 12);
  return path.join(cacheDir, 'online', `${kind}-${readable}-${hash}`);
}

/** Reads a state file; undefined when there is none or it cannot be used (then everything is fetched again). */
export async function readState<T>(file: string, check: (value: unknown) => value is T): Promise<T | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    return check(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a file whole or not at all (a crash leaves the previous version). */
export async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
