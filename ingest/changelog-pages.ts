import type { ChangelogEntry, NavNode } from '../src/types.js';
import { markdownLines } from './changelog-md.js';
import type { SourceRecord } from '../src/store/format/manifest.js';
import { createSlugger, underPrefix } from '../src/ids.js';
import type { SourceFile } from './discover.js';

/**
 * The id prefix of the changelog pages, and the ones taken instead, in order, when a source's
 * prefix or a doc id already holds it (a docs folder with its own `changelog` page or folder):
 * the pages never hide or replace a doc, and the index records which prefix they took.
 */
const PREFIXES = ['changelog', 'changes', 'release-notes'];

/** A changelog entry as a page of the corpus, parsed and searched like any doc. */
export interface ChangelogPage {
  file: SourceFile;
  /** The page's markdown (frontmatter, date line, text, link). */
  source: string;
  entry: ChangelogEntry;
}

/** The first of PREFIXES that no source prefix and no doc id (ignoring case) is, lies under, or holds. */
export function changelogPrefixFor(sources: SourceRecord[], docIds: string[]): string {
  const taken = [...sources.map((s) => s.prefix).filter(Boolean), ...docIds].map((id) => id.toLowerCase());
  const free = (p: string) => !taken.some((id) => underPrefix(id, p) || underPrefix(p, id));
  for (const p of PREFIXES) if (free(p)) return p;
  for (let n = 2; ; n++) if (free(`changelog-${n}`)) return `changelog-${n}`;
}

/**
 * One page per entry, under `prefix`: `changelog/2026-02-17-fine-grained-authorization` (date and
 * title), or the entry's own id (`changelog/widgets/1.18.0`). Ids are unique ignoring case: a
 * repeated one gets `-2`, `-3` in the order of the list, which is newest first, so an existing
 * entry keeps its id when older ones are added.
 */
export function changelogPages(entries: ChangelogEntry[], prefix: string): ChangelogPage[] {
  const used = new Set<string>();
  return entries.map((entry) => {
    const base = `${prefix}/${localId(entry)}`;
    let id = base;
    for (let n = 2; used.has(id.toLowerCase()); n++) id = `${base}-${n}`;
    used.add(id.toLowerCase());
    const source = renderChangelogPage(entry);
    return {
      entry,
      source,
      file: { kind: 'doc', path: `${id}.md`, absPath: '', docId: id, url: entry.url, baseUrl: entry.url, text: source },
    };
  });
}

/**
 * The navigation node of the changelog: one node, its pages newest first, grouped by where they
 * came from when they came from more than one source (a group whose ids share a folder,
 * `changelog/widgets`, carries it as its prefix, so that list_docs can show it alone).
 */
export function changelogNavigation(pages: ChangelogPage[], prefix: string): NavNode | undefined {
  if (pages.length === 0) return undefined;
  const leaf = (p: ChangelogPage): NavNode => ({ title: p.entry.date ? `${p.entry.title} (${p.entry.date})` : p.entry.title, id: p.file.docId, children: [] });
  const groups = new Map<string, ChangelogPage[]>();
  for (const page of pages) {
    const key = page.entry.source ?? '';
    groups.set(key, [...(groups.get(key) ?? []), page]);
  }
  if (groups.size === 1) return { title: 'Changelog', prefix, children: pages.map(leaf) };
  const children = [...groups].map(([title, list]): NavNode => {
    const folders = new Set(list.map((p) => p.file.docId.slice(prefix.length + 1).split('/')));
    const [folder] = [...folders].map((parts) => (parts.length > 1 ? parts[0] : undefined));
    const shared = folder && [...folders].every((parts) => parts.length > 1 && parts[0] === folder) ? { prefix: `${prefix}/${folder}` } : {};
    return { title: title || 'Other', ...shared, children: list.map(leaf) };
  });
  return { title: 'Changelog', prefix, children };
}

/** The page of one entry: title, the date line, the text (its headings as bold lines, so the entry stays one section) and the link. */
export function renderChangelogPage(entry: ChangelogEntry): string {
  const text = demoteHeadings(entry.text.trim());
  const summary = text.replace(/[*_`#>]/g, '').replace(/\s+/g, ' ').trim();
  // The source's name stays out of the page (an SDK entry's title names its package): renaming a
  // docs folder's source must not re-parse its changelog.
  const dated = `Changelog, ${entry.date || 'undated'}`;
  return [
    '---',
    `title: ${JSON.stringify(entry.title)}`,
    `description: ${JSON.stringify(`${dated}: ${summary.length > 240 ? `${summary.slice(0, 240).replace(/\s+\S*$/, '')}…` : summary}`)}`,
    '---',
    '',
    `_${dated}_`,
    '',
    ...(text ? [text, ''] : []),
    ...(entry.url ? [`Link: <${entry.url}>`, ''] : []),
  ].join('\n');
}

function localId(entry: ChangelogEntry): string {
  const own = entry.id
    ?.split('/')
    .map((part) => part.trim().replace(/[^\w.-]+/g, '-').replace(/^[.-]+|-+$/g, ''))
    .filter(Boolean)
    .join('/');
  if (own) return own;
  const slug = createSlugger()(entry.title).slice(0, 80).replace(/-+$/, '') || 'entry';
  return entry.date ? `${entry.date}-${slug}` : slug;
}

/** `### Minor Changes` → `**Minor Changes**`, outside code fences. */
function demoteHeadings(text: string): string {
  return markdownLines(text)
    .map(({ line, heading }) => (heading ? `**${heading.text}**` : line))
    .join('\n');
}
