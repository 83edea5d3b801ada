import type { DocRecord, NavNode } from '../types.js';
import { DEFAULT_BASE_URL, docUrl, normalizeDocRef, parseDocRef, withAnchor } from '../ids.js';

/** A doc path that matches nothing; carries the closest ids so that callers can suggest them. */
export class DocNotFoundError extends Error {
  constructor(
    readonly input: string,
    readonly suggestions: string[],
  ) {
    super(
      `No doc "${input.slice(0, 200)}" in the index.${suggestions.length ? ` Closest ids: ${suggestions.join(', ')}.` : ''} ` +
        'Use list_docs to browse ids, or search_docs to find a topic.',
    );
    this.name = 'DocNotFoundError';
  }
}

export class SectionNotFoundError extends Error {
  constructor(
    readonly docId: string,
    readonly anchor: string,
    readonly available: string[],
  ) {
    super(`Doc "${docId}" has no section "${anchor.slice(0, 200)}". Its sections: ${available.slice(0, 40).join(', ') || '(none)'}.`);
    this.name = 'SectionNotFoundError';
  }
}

export interface DocPage {
  doc: DocRecord;
  /** The section asked for, if any. */
  anchor?: string;
  markdown: string;
  page: number;
  pages: number;
}

export interface Related {
  parent: { path: string; title: string } | null;
  siblings: Array<{ path: string; title: string }>;
  children: Array<{ path: string; title: string }>;
}

/** Reading and browsing: docs by id in any spelling, single sections, pages, and the nav tree. */
export class DocStore {
  /** By exact id: ids that differ only in case are different docs. */
  private readonly byId: Map<string, DocRecord>;
  /** By lower-cased id, the first doc of each spelling: look-ups ignore case when no id matches exactly. */
  private readonly byFoldedId = new Map<string, DocRecord>();
  /** By page URL (without anchor or trailing slash): a URL of any source's pages finds its doc. */
  private readonly byUrl = new Map<string, DocRecord>();
  /** The same, case folded, for a URL whose case differs from every doc's. */
  private readonly byFoldedUrl = new Map<string, DocRecord>();
  /** Page starts of whole docs, computed on first read. */
  /** Page starts of each doc, per page size (the MCP tool and the CLI page at different sizes). */
  private readonly cutsOf = new WeakMap<DocRecord, Map<number, number[]>>();

  constructor(
    readonly docs: DocRecord[],
    readonly navigation: NavNode[],
    readonly baseUrl = DEFAULT_BASE_URL,
    /** Longest markdown returned at once; longer docs are paged at section boundaries. */
    readonly pageSize = 20_000,
  ) {
    this.byId = new Map(docs.map((d) => [d.id, d]));
    for (const d of docs) {
      if (!this.byFoldedId.has(d.id.toLowerCase())) this.byFoldedId.set(d.id.toLowerCase(), d);
      const url = urlKey(d.url);
      if (url && !this.byUrl.has(url)) this.byUrl.set(url, d);
      if (url && !this.byFoldedUrl.has(url.toLowerCase())) this.byFoldedUrl.set(url.toLowerCase(), d);
    }
  }

  has(id: string): boolean {
    return this.byId.has(id) || this.byFoldedId.has(id.toLowerCase());
  }

  /**
   * Resolves any reasonable spelling of a doc id (or docs URL); throws DocNotFoundError with
   * suggestions. The id exactly as search results show it always works, even when it holds
   * characters that the spelling rules would read otherwise (spaces at the ends, `%41`, `#`, `?`).
   */
  resolve(input: string): { doc: DocRecord; anchor?: string } {
    const exact = this.byId.get(input);
    if (exact) return { doc: exact };
    const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(input.trim()) ? urlKey(input) : undefined;
    const byUrl = url ? (this.byUrl.get(url) ?? this.byFoldedUrl.get(url.toLowerCase())) : undefined;
    const ref = parseDocRef(input, this.baseUrl);
    // The root page's id is `index`; its URL and `docs://` alone read as the empty id.
    const id = ref?.id === '' ? 'index' : ref?.id;
    const doc = byUrl ?? (id !== undefined ? (this.byId.get(id) ?? this.byFoldedId.get(id.toLowerCase())) : undefined);
    if (!doc || !ref) throw new DocNotFoundError(input, this.suggest(input));
    return { doc, ...(ref.anchor ? { anchor: ref.anchor } : {}) };
  }

  /** One page of a doc or of one of its sections; `pageSize` overrides the store's for this read. */
  read(input: string, options: { section?: string; page?: number; pageSize?: number } = {}): DocPage {
    const { doc, anchor: urlAnchor } = this.resolve(input);
    const anchor = options.section?.trim().replace(/^#/, '') || urlAnchor;
    const size = options.pageSize ?? this.pageSize;
    if (anchor) {
      const markdown = this.sectionMarkdown(doc, anchor);
      return { doc, anchor, ...this.page(markdown, pageCuts(markdown, size), options.page) };
    }
    let bySize = this.cutsOf.get(doc);
    if (!bySize) this.cutsOf.set(doc, (bySize = new Map()));
    let cuts = bySize.get(size);
    if (!cuts) bySize.set(size, (cuts = pageCuts(doc.markdown, size, doc.sections.map((s) => s.offset))));
    return { doc, ...this.page(doc.markdown, cuts, options.page) };
  }

  sectionMarkdown(doc: DocRecord, anchor: string): string {
    const wanted = anchor.toLowerCase();
    const i = doc.sections.findIndex((s) => s.anchor.toLowerCase() === wanted || s.heading.join(' > ').toLowerCase() === wanted);
    const section = doc.sections[i];
    if (!section || !section.anchor) {
      throw new SectionNotFoundError(doc.id, anchor, doc.sections.map((s) => s.anchor).filter(Boolean));
    }
    const next = doc.sections.slice(i + 1).find((s) => s.level > 0 && s.level <= section.level);
    return doc.markdown.slice(section.offset, next?.offset ?? doc.markdown.length).trim() + '\n';
  }

  related(id: string): Related {
    const ids = [...this.byId.keys()];
    const parentOf = (x: string) => {
      const parts = x.split('/');
      for (let n = parts.length - 1; n > 0; n--) {
        const candidate = parts.slice(0, n).join('/');
        const doc = this.byId.get(candidate) ?? this.byFoldedId.get(candidate.toLowerCase());
        if (doc) return doc.id;
      }
      return null;
    };
    const parent = parentOf(id);
    const entry = (x: string) => ({ path: x, title: this.byId.get(x)?.title ?? x });
    const siblings = ids.filter((x) => x !== id && parentOf(x) === parent && (parent !== null || !x.includes('/'))).sort();
    const children = ids.filter((x) => x !== id && parentOf(x) === id).sort();
    return {
      parent: parent ? entry(parent) : null,
      siblings: siblings.slice(0, 50).map(entry),
      children: children.slice(0, 100).map(entry),
    };
  }

  /** The nav tree, or the top-most subtrees whose doc id is under a prefix (in navigation order). */
  list(prefix?: string): NavNode[] {
    const p = prefix?.trim().replace(/^\/+|\/+$/g, '').toLowerCase();
    if (!p) return this.navigation;
    const under = (id: string) => id.toLowerCase() === p || id.toLowerCase().startsWith(`${p}/`);
    // A node that stands for a source (or a group of them) is taken whole when its prefix is under the one asked for.
    const collect = (nodes: NavNode[]): NavNode[] =>
      nodes.flatMap((node) => ((node.id !== undefined && under(node.id)) || (node.prefix !== undefined && under(node.prefix)) ? [node] : collect(node.children)));
    return collect(this.navigation);
  }

  /** A doc's URL as its source publishes it, with a section's anchor. */
  url(id: string, anchor?: string): string {
    const doc = this.byId.get(id);
    return doc ? withAnchor(doc.url, anchor) : docUrl(this.baseUrl, id, anchor);
  }

  /** Closest doc ids to an input: shared path words first, then edit distance. */
  suggest(input: string, limit = 5): string[] {
    const ref = normalizeDocRef(input.replace(/\.\.+/g, ''), this.baseUrl);
    const query = (ref?.id ?? input).toLowerCase().slice(0, 200);
    const words = new Set(query.split(/[^a-z0-9]+/).filter((w) => w.length > 1));
    if (!query) return [];
    const scored = [...this.byId.keys()].map((id) => {
      const folded = id.toLowerCase();
      const idWords = folded.split(/[^a-z0-9]+/);
      const shared = idWords.filter((w) => words.has(w)).length;
      const distance = levenshtein(query, folded, 60);
      return { id, score: shared * 10 - distance / Math.max(query.length, id.length) };
    });
    return scored
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, limit)
      .map((s) => s.id);
  }

  private page(markdown: string, cuts: number[], page = 1): { markdown: string; page: number; pages: number } {
    const pages = cuts.length;
    const p = Math.min(Math.max(1, Math.floor(page)), pages);
    if (pages === 1) return { markdown, page: 1, pages: 1 };
    const text = markdown.slice(cuts[p - 1] ?? 0, cuts[p] ?? markdown.length);
    return { markdown: text.trim() + '\n', page: p, pages };
  }
}

/**
 * Where each page of a long markdown text starts: at a section start (`boundaries`, ascending)
 * when one falls in the last three quarters of a page, else after the last blank line there, else
 * after the last line end, else the last space, else at the page size. Each search looks back only
 * within the page, so the cost is linear in the text's length even when it has no blank line.
 */
export function pageCuts(markdown: string, pageSize: number, boundaries: number[] = []): number[] {
  const cuts = [0];
  const sorted = [...boundaries].sort((a, b) => a - b);
  let next = 0;
  let start = 0;
  while (markdown.length - start > pageSize) {
    const limit = start + pageSize;
    const floor = start + Math.floor(pageSize / 4);
    while (next < sorted.length && (sorted[next] ?? Infinity) <= limit) next++;
    const section = sorted[next - 1];
    let cut = section !== undefined && section > floor ? section : undefined;
    if (cut === undefined) {
      const window = markdown.slice(floor, limit + 2);
      const at = (needle: string, after: number) => {
        const i = window.lastIndexOf(needle, limit - floor);
        return i > 0 ? floor + i + after : undefined;
      };
      cut = at('\n\n', 0) ?? at('\n', 1) ?? at(' ', 1) ?? limit;
    }
    cuts.push(cut);
    start = cut;
  }
  return cuts;
}

function levenshtein(a: string, b: string, cap: number): number {
  const s = a.slice(0, cap);
  const t = b.slice(0, cap);
  let prev = Array.from({ length: t.length + 1 }, (_, i) => i);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[t.length] ?? 0;
}

/** A URL as the by-URL maps key it: no anchor, query or trailing slash. */
function urlKey(url: string): string {
  return url.trim().replace(/[#?].*$/, '').replace(/\/+$/, '');
}
