import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { fetchText, OnlineSourceError, type FetchCounts, type FetchLimits, type Validators } from './http.js';

/**
 * One folder per online source (site or feed) in the cache, keyed by its URL: the bodies fetched,
 * each in a file named by its content, and a state file naming the ones in use with their
 * validators, so the next run asks only whether they changed. A run writes new bodies beside the
 * old ones and switches the state only once the index built from them is in place: a build that
 * fails or is refused leaves the cache as the last good index knew it.
 */
export function onlineCacheDir(cacheDir: string, kind: 'site' | 'feed', url: string): string {
  const parsed = new URL(url);
  const readable = `${parsed.host}${parsed.pathname}`.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return path.join(cacheDir, 'online', `${kind}-${readable}-${hash(url).slice(0, 12)}`);
}

/** Reads a state file; undefined when there is none or it does not match (then everything is fetched again). */
export async function readState<T>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
  try {
    const parsed = schema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
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

/** Keeps a body under a name made from its content (`bodies/<hash>.<ext>`): writing never replaces another run's copy. */
export async function storeBody(dir: string, text: string, ext: string): Promise<string> {
  const file = `bodies/${hash(text).slice(0, 24)}.${ext}`;
  await writeAtomic(path.join(dir, file), text);
  return file;
}

/** A body kept earlier, or undefined when it is gone or unreadable. */
export async function readBody(dir: string, file: string | undefined): Promise<string | undefined> {
  if (!file || file.includes('..') || path.isAbsolute(file)) return undefined;
  return readFile(path.join(dir, file), 'utf8').catch(() => undefined);
}

/** Switches a source's state and removes the bodies it no longer names. */
export async function commitState(dir: string, state: unknown, inUse: Iterable<string>): Promise<void> {
  await writeAtomic(path.join(dir, STATE_FILE), JSON.stringify(state));
  const keep = new Set([...inUse].map((f) => path.basename(f)));
  const names = await readdir(path.join(dir, 'bodies')).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => !keep.has(n)).map((n) => rm(path.join(dir, 'bodies', n), { force: true })));
}

export const STATE_FILE = 'state.json';

/**
 * The one document a source starts from (a site's llms.txt, a feed): asked for with its
 * validators while the copy they belong to is there to fall back on. Its text, and the new copy
 * to keep when the body was downloaded; an OnlineSourceError when it cannot be had.
 */
export async function fetchListing(
  url: string,
  dir: string,
  previous: { file: string; validators: Validators } | undefined,
  options: { limits: FetchLimits; counts: FetchCounts; accept: string; what: string; ext: string },
): Promise<{ text: string; stored?: { file: string; validators: Validators } }> {
  const copy = await readBody(dir, previous?.file);
  const outcome = await fetchText(url, { origin: new URL(url).origin, validators: copy === undefined ? undefined : previous?.validators, limits: options.limits, counts: options.counts, accept: options.accept });
  if (outcome.kind === 'failed') {
    const hint = outcome.unreachable
      ? 'run ingest again when it can be reached, or add --offline to rebuild from the copies fetched last time'
      : /limit/.test(outcome.reason)
        ? 'raise the limit with --max-page-bytes'
        : `check the URL (${outcome.reason})`;
    throw new OnlineSourceError(url, outcome.reason, `Could not fetch ${options.what}${url}: ${outcome.reason}. The index was not changed (the previous one keeps serving); ${hint}.`);
  }
  if (outcome.kind === 'body') return { text: outcome.body, stored: { file: await storeBody(dir, outcome.body, options.ext), validators: outcome.validators } };
  if (copy !== undefined) return { text: copy };
  throw new OnlineSourceError(url, '304 to a request that was not conditional', `${url} answered 304 Not Modified to a request that was not conditional. The index was not changed.`);
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
