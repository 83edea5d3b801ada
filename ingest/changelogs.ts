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
 * order). An entry whose link an earlier one has (ignoring case, a trailing slash and the
 * protocol) is the same change told twice and is dropped; entries without a link are told apart
 * by date and title.
 */
export function mergeChangelogs(lists: ChangelogEntry[][]): ChangelogEntry[] {
  const seen = new Set<string>();
  const out: ChangelogEntry[] = [];
  for (const entry of lists.flat()) {
    const key = entry.url ? entry.url.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+(?=#|$)/, '') : `${entry.date}\0${entry.title}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(entry);
  }
  return out.sort((a, b) => (a.date === b.date ? 0 : !a.date ? 1 : !b.date ? -1 : a.date < b.date ? 1 : -1));
}
