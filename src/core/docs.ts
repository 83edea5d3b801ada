import type { DocRecord, NavNode } from '../types.js';
import { DEFAULT_BASE_URL, docUrl, normalizeDocRef } from '../ids.js';

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
  private readonly byId: Map<string, DocRecord>;

  constructor(
    readonly docs: DocRecord[],
    readonly navigation: NavNode[],
    readonly baseUrl = DEFAULT_BASE_URL,
    /** Longest markdown returned at once; longer docs are paged at section boundaries. */
    readonly pageSize = 20_000,
  ) {
    this.byId = new Map(docs.map((d) => [d.id.toLowerCase(), d]));
  }

  has(id: string): boolean {
    return this.byId.has(id.toLowerCase());
  }

  /** Resolves any reasonable spelling of a doc id (or docs URL); throws DocNotFoundError with suggestions. */
  resolve(input: string): { doc: DocRecord; anchor?: string } {
    const ref = normalizeDocRef(input, this.baseUrl);
    const doc = ref ? this.byId.get(ref.id) : undefined;
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
      return { doc, anchor, ...this.paginate(markdown, options.page, [], size) };
    }
    return { doc, ...this.paginate(doc.markdown, options.page, doc.sections.map((s) => s.offset), size) };
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
        if (this.byId.has(candidate)) return candidate;
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
    const matches = (id?: string) => id !== undefined && (id === p || id.startsWith(`${p}/`));
    const collect = (nodes: NavNode[]): NavNode[] => nodes.flatMap((node) => (matches(node.id) ? [node] : collect(node.children)));
    return collect(this.navigation);
  }

  url(id: string, anchor?: string): string {
    return docUrl(this.baseUrl, id, anchor);
  }

  /** Closest doc ids to an input: shared path words first, then edit distance. */
  suggest(input: string, limit = 5): string[] {
    const ref = normalizeDocRef(input.replace(/\.\.+/g, ''), this.baseUrl);
    const query = (ref?.id ?? input).toLowerCase().slice(0, 200);
    const words = new Set(query.split(/[^a-z0-9]+/).filter((w) => w.length > 1));
    if (!query) return [];
    const scored = [...this.byId.keys()].map((id) => {
      const idWords = id.split(/[^a-z0-9]+/);
      const shared = idWords.filter((w) => words.has(w)).length;
      const distance = levenshtein(query, id, 60);
      return { id, score: shared * 10 - distance / Math.max(query.length, id.length) };
    });
    return scored
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, limit)
      .map((s) => s.id);
  }

  private paginate(markdown: string, page = 1, boundaries: number[] = [], pageSize = this.pageSize): { markdown: string; page: number; pages: number } {
    if (markdown.length <= pageSize) return { markdown, page: 1, pages: 1 };
    const cuts = [0];
    let start = 0;
    while (markdown.length - start > pageSize) {
      const limit = start + pageSize;
      const atSection = [...boundaries].reverse().find((b) => b > start + pageSize / 4 && b <= limit);
      const atParagraph = markdown.lastIndexOf('\n\n', limit);
      const cut = atSection ?? (atParagraph > start + pageSize / 4 ? atParagraph : limit);
      cuts.push(cut);
      start = cut;
    }
    const pages = cuts.length;
    const p = Math.min(Math.max(1, Math.floor(page)), pages);
    const text = markdown.slice(cuts[p - 1] ?? 0, cuts[p] ?? markdown.length);
    return { markdown: text.trim() + '\n', page: p, pages };
  }
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
