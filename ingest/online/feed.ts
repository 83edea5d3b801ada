import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseFeed } from '@rowanmanning/feed-parser';
import type { ChangelogEntry } from '../../src/types.js';
import type { FetchRecord } from '../../src/store/format/manifest.js';
import { onlineCacheDir, readState, writeAtomic } from './cache.js';
import { emptyCounts, fetchText, type FetchLimits, type Validators } from './http.js';
import { htmlToMarkdown } from './html.js';
import { OnlineSourceError } from './site.js';

export interface FeedSync {
  entries: ChangelogEntry[];
  warnings: string[];
  record: FetchRecord;
}

interface FeedState {
  version: 1;
  url: string;
  validators: Validators;
  fetchedAt: string;
}

const STATE_FILE = 'state.json';
const BODY_FILE = 'feed.xml';

/**
 * A changelog feed (RSS or Atom), every entry of it, as dated changelog entries; the body is kept
 * in the cache with its validators, so an unchanged feed costs one conditional request. When the
 * feed cannot be fetched the run fails (the index is left as it is); with `offline`, the copy of
 * the last run is used.
 */
export async function syncFeed(feedUrl: string, cacheDir: string, limits: FetchLimits, options: { offline?: boolean } = {}): Promise<FeedSync> {
  const started = Date.now();
  const dir = onlineCacheDir(cacheDir, 'feed', feedUrl);
  const previous = await readState(path.join(dir, STATE_FILE), isFeedState);
  const counts = emptyCounts();
  let body: string;
  let fresh: { validators: Validators } | undefined;
  if (options.offline) {
    if (!previous) throw new OnlineSourceError(`${feedUrl} has never been fetched, so there is nothing to build from offline: run ingest once while online.`);
    body = await readFile(path.join(dir, BODY_FILE), 'utf8');
  } else {
    const cached = previous ? await readFile(path.join(dir, BODY_FILE), 'utf8').catch(() => undefined) : undefined;
    const outcome = await fetchText(feedUrl, {
      origin: new URL(feedUrl).origin,
      // Asked for with its validators only while its copy is there to fall back on.
      validators: cached === undefined ? undefined : previous?.validators,
      limits,
      counts,
      accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1',
    });
    if (outcome.kind === 'failed') {
      throw new OnlineSourceError(`Could not fetch the changelog feed ${feedUrl}: ${outcome.reason}. The index was not changed (the previous one keeps serving); run ingest again when it can be reached, or add --offline.`);
    }
    if (outcome.kind === 'body') {
      body = outcome.body;
      fresh = { validators: outcome.validators };
    } else if (cached !== undefined) body = cached;
    else throw new OnlineSourceError(`${feedUrl} answered 304 Not Modified to a request that was not conditional. The index was not changed.`);
  }
  // Parsed before it is kept: a broken feed fails the run and does not replace a good copy.
  const { entries, warnings } = parseEntries(body, feedUrl);
  if (fresh) {
    await writeAtomic(path.join(dir, BODY_FILE), body);
    await writeAtomic(path.join(dir, STATE_FILE), JSON.stringify({ version: 1, url: feedUrl, validators: fresh.validators, fetchedAt: new Date().toISOString() } satisfies FeedState));
  }
  return {
    entries,
    warnings,
    record: {
      at: new Date().toISOString(),
      ms: Date.now() - started,
      listed: entries.length,
      pages: entries.length,
      fetched: fresh ? 1 : 0,
      unchanged: counts.notModified,
      failed: 0,
      kept: 0,
      removed: 0,
      requests: counts.requests,
      conditional: counts.conditional,
      notModified: counts.notModified,
      bytes: counts.bytes,
      ...(options.offline ? { offline: true } : {}),
    },
  };
}

/** Every entry of an RSS or Atom document, in its order; an entry without a date is kept, undated. */
export function parseEntries(xml: string, feedUrl: string): { entries: ChangelogEntry[]; warnings: string[] } {
  let feed: ReturnType<typeof parseFeed>;
  try {
    feed = parseFeed(xml);
  } catch (error) {
    throw new OnlineSourceError(`${feedUrl} is not an RSS or Atom feed (${(error as Error).message}). The index was not changed.`);
  }
  const warnings: string[] = [];
  const seen = new Set<string>();
  const entries: ChangelogEntry[] = [];
  for (const item of feed.items) {
    const title = item.title?.trim();
    const url = item.url ?? '';
    const key = item.id ?? url;
    if (!title) {
      warnings.push(`${feedUrl}: skipped an entry without a title${url ? ` (${url})` : ''}`);
      continue;
    }
    if (key && seen.has(key)) continue;
    if (key) seen.add(key);
    const when = item.published ?? item.updated;
    const html = item.content ?? item.description ?? '';
    entries.push({ date: when && !Number.isNaN(when.getTime()) ? when.toISOString().slice(0, 10) : '', title, url, text: html ? htmlToMarkdown(html) : '' });
  }
  return { entries, warnings };
}

function isFeedState(value: unknown): value is FeedState {
  const v = value as Partial<FeedState> | null;
  return Boolean(v && v.version === 1 && typeof v.url === 'string');
}
