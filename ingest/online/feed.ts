import { parseFeed } from '@rowanmanning/feed-parser';
import { z } from 'zod';
import type { ChangelogEntry } from '../../src/types.js';
import type { FetchRecord } from '../../src/store/format/manifest.js';
import { commitState, fetchListing, onlineCacheDir, readBody, readState, STATE_FILE } from './cache.js';
import { emptyCounts, fetchRecord, OnlineSourceError, type FetchLimits } from './http.js';
import { htmlToMarkdown } from './html.js';

export interface FeedSync {
  entries: ChangelogEntry[];
  warnings: string[];
  record: FetchRecord;
  /** Makes this run's copy the one the next run starts from; called once the index built from it is in place. */
  commit: () => Promise<void>;
}

const feedStateSchema = z.object({
  version: z.literal(2),
  url: z.string(),
  validators: z.object({ etag: z.string().optional(), lastModified: z.string().optional() }),
  /** The feed's body in the cache folder (bodies/…). */
  file: z.string(),
  fetchedAt: z.string(),
});

/**
 * A changelog feed (RSS or Atom), every entry of it, as dated changelog entries; the body is kept
 * in the cache with its validators, so an unchanged feed costs one conditional request. When the
 * feed cannot be fetched, or is not a feed, the run fails (the index and the copy kept are left
 * as they are); with `offline`, the copy of the last run is used.
 */
export async function syncFeed(feedUrl: string, cacheDir: string, limits: FetchLimits, options: { offline?: boolean } = {}): Promise<FeedSync> {
  const started = Date.now();
  const dir = onlineCacheDir(cacheDir, 'feed', feedUrl);
  const previous = await readState(`${dir}/${STATE_FILE}`, feedStateSchema);
  const counts = emptyCounts();
  let body: string;
  let commit = async () => {};
  if (options.offline) {
    const copy = await readBody(dir, previous?.file);
    if (copy === undefined) throw new OnlineSourceError(feedUrl, 'no copy', `${feedUrl} has no copy in the cache to build from offline: run ingest once while online.`);
    body = copy;
  } else {
    const feed = await fetchListing(feedUrl, dir, previous, {
      limits,
      counts,
      accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1',
      what: 'the changelog feed ',
      ext: 'xml',
    });
    body = feed.text;
    const stored = feed.stored;
    if (stored) commit = () => commitState(dir, { version: 2, url: feedUrl, validators: stored.validators, file: stored.file, fetchedAt: new Date().toISOString() }, [stored.file]);
  }
  // A body that is not a feed fails the run here, before anything is committed.
  const { entries, warnings } = parseEntries(body, feedUrl);
  const record = fetchRecord(started, counts, { listed: entries.length, pages: entries.length, fetched: counts.bodies, unchanged: counts.notModified, ...(options.offline ? { offline: true } : {}) });
  return { entries, warnings, record, commit };
}

/** Every entry of an RSS or Atom document, in its order; an entry without a date is kept, undated. */
export function parseEntries(xml: string, feedUrl: string): { entries: ChangelogEntry[]; warnings: string[] } {
  let feed: ReturnType<typeof parseFeed>;
  try {
    feed = parseFeed(xml);
  } catch (error) {
    throw new OnlineSourceError(feedUrl, 'not a feed', `${feedUrl} is not an RSS or Atom feed (${(error as Error).message}). The index was not changed.`);
  }
  const warnings: string[] = [];
  const seen = new Set<string>();
  const entries: ChangelogEntry[] = [];
  for (const item of feed.items) {
    const title = item.title?.trim();
    // An entry without a link points to the feed's page (or the feed): never to an address made up here.
    const url = item.url ?? feed.url ?? feedUrl;
    const when = item.published ?? item.updated;
    const date = when && !Number.isNaN(when.getTime()) ? when.toISOString().slice(0, 10) : '';
    const key = item.id ?? `${url}\0${title}\0${date}`;
    if (!title) {
      warnings.push(`${feedUrl}: skipped an entry without a title${url ? ` (${url})` : ''}`);
      continue;
    }
    // An entry is told apart by its id; without one, by its link and title (many feeds link every entry to one page).
    if (seen.has(key)) continue;
    seen.add(key);

    const html = item.content ?? item.description ?? '';
    entries.push({ date, title, url, text: html ? htmlToMarkdown(html) : '' });
  }
  return { entries, warnings };
}
