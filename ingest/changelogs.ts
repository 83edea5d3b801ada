import type { ChangelogEntry } from '../src/types.js';
import type { SourceRecord } from '../src/store/format/manifest.js';
import { readChangelogs, type ChangelogResult } from './changelog.js';
import type { ListOptions } from './sources/files.js';
import { readPackageChangelog } from './sources/package-changelog.js';

export interface ChangelogOptions {
  /** Larger changelog files are skipped with a warning. */
  maxFileBytes: number;
  /** Where package sources are found (their CHANGELOG.md), as the listing of their files finds them. */
  list?: ListOptions;
}

/**
 * Every change the index serves, newest first: each docs source's changelog files and each
 * package source's CHANGELOG.md, merged by `mergeChangelogs`. This list is what `get_changelog`
 * serves and what the changelog pages search finds are made from (ingest/changelog-pages.ts),
 * so entries from any other origin (a feed) join by being merged into it.
 */
export async function readAllChangelogs(sources: SourceRecord[], options: ChangelogOptions): Promise<ChangelogResult> {
  // One source after another: a package source may be fetched into the cache here.
  const results: ChangelogResult[] = [];
  for (const source of sources) {
    if (source.kind === 'npm-package') results.push(await readPackageChangelog(source, { ...options.list, maxFileBytes: options.maxFileBytes }));
    else {
      const read = await readChangelogs(source.changelogsDir ?? undefined, options.maxFileBytes);
      results.push({ ...read, entries: read.entries.map((e) => ({ ...e, ...(source.name ? { source: source.name } : {}) })) });
    }
  }
  return { entries: mergeChangelogs(results.map((r) => r.entries)), warnings: results.flatMap((r) => r.warnings) };
}

/**
 * Lists of entries as one, newest first and undated entries last (ties keep their lists'
 * order). Each list is one source's, already told apart; an entry of a later list that an
 * earlier list has too is the same change told twice and is dropped. Two entries are the same
 * when they have the same link (ignoring case, the protocol and a trailing slash) and, where the
 * link is shared by several entries of a list (many feeds link every entry to one page), the
 * same title; entries without a link, the same date and title.
 */
export function mergeChangelogs(lists: ChangelogEntry[][]): ChangelogEntry[] {
  const seen = new Set<string>();
  const out: ChangelogEntry[] = [];
  for (const list of lists) {
    const link = (e: ChangelogEntry) => e.url.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+(?=#|$)/, '');
    const shared = new Map<string, number>();
    for (const e of list) if (e.url) shared.set(link(e), (shared.get(link(e)) ?? 0) + 1);
    // Each entry's keys: its link and title always; its link alone when no other entry of its list has that link.
    const keys = list.map((e) => {
      if (!e.url) return [`${e.date}\0${e.title.toLowerCase()}`];
      const withTitle = `${link(e)}\0${e.title.toLowerCase()}`;
      return (shared.get(link(e)) ?? 0) > 1 ? [withTitle] : [withTitle, link(e)];
    });
    list.forEach((entry, i) => {
      if (!(keys[i] as string[]).some((key) => seen.has(key))) out.push(entry);
    });
    for (const k of keys) for (const key of k) seen.add(key);
  }
  return out.sort((a, b) => (a.date === b.date ? 0 : !a.date ? 1 : !b.date ? -1 : a.date < b.date ? 1 : -1));
}
