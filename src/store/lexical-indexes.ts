import type { Chunk, DocRecord, NavNode } from '../types.js';
import { lexicalFields, searchableText } from '../text/embedding-text.js';
import { navNames } from '../text/nav-labels.js';
import { tokenize } from '../text/tokenize.js';
import { DEFAULT_LEXICAL_PARAMS, LexicalIndex, type LexicalParams } from './lexical.js';

/** The doc-level index over title, description, section headings and breadcrumb. */
export const DOC_LEXICAL_PARAMS: LexicalParams = { ...DEFAULT_LEXICAL_PARAMS, titleWeight: 3, headingWeight: 1, bigramWeight: 0 };
/** The doc-level index over each doc's whole text. */
export const DOC_FULLTEXT_PARAMS: LexicalParams = { ...DEFAULT_LEXICAL_PARAMS, headingWeight: 1, bigramWeight: 0 };

export interface LexicalIndexes {
  /** One entry per chunk. */
  chunks: LexicalIndex;
  /** One entry per doc, in `docs` order. */
  docs: LexicalIndex;
  fulltext: LexicalIndex;
}

/**
 * Builds the three lexical indexes of an index folder, tokenizing each text once: a doc's full
 * text is the concatenation of its chunks' bodies. `inStats(docId)`: the doc counts in the term
 * statistics (beside package sources, the docs sources only); default all. `chunkParams`: the
 * chunk index's weights (a lab's variants; ingest uses the default).
 */
export function buildLexicalIndexes(chunks: Chunk[], docs: DocRecord[], navigation: NavNode[], inStats?: (docId: string) => boolean, chunkParams: LexicalParams = DEFAULT_LEXICAL_PARAMS): LexicalIndexes {
  const names = navNames(navigation);
  const titles = new Map(docs.map((d) => [d.id, d.title]));
  // A doc is found by every name the navigation gives it: its labels (when they are not its title)
  // and every breadcrumb above them, not only those of its first place in the tree.
  const navFields = (docId: string) => {
    const n = names.get(docId);
    if (!n) return {};
    const title = titles.get(docId)?.toLowerCase();
    return { context: tokenize(n.crumbs.join(' ')), label: tokenize(n.labels.filter((l) => l.toLowerCase() !== title).join(' ')) };
  };
  const bodies = new Map<string, string[]>();
  const chunkDocs = chunks.map((c) => {
    const body = tokenize(searchableText(c.text));
    const list = bodies.get(c.docId);
    if (list) for (const t of body) list.push(t);
    else bodies.set(c.docId, [...body]);
    return { ...lexicalFields(c), ...navFields(c.docId), body };
  });
  const headings = (d: DocRecord) => tokenize(d.sections.map((s) => s.heading[s.heading.length - 1] ?? '').join(' '));
  const docFields = docs.map((d) => ({ title: tokenize(d.title), heading: headings(d), ...navFields(d.id) }));
  const chunkStats = inStats ? chunks.map((c) => inStats(c.docId)) : undefined;
  const docStats = inStats ? docs.map((d) => inStats(d.id)) : undefined;
  return {
    chunks: LexicalIndex.build(chunkDocs, chunkParams, chunkStats),
    docs: LexicalIndex.build(docs.map((d, i) => ({ ...(docFields[i] as (typeof docFields)[number]), body: d.description })), DOC_LEXICAL_PARAMS, docStats),
    fulltext: LexicalIndex.build(
      docs.map((d, i) => ({ ...(docFields[i] as (typeof docFields)[number]), body: [...tokenize(d.description), ...(bodies.get(d.id) ?? [])] })),
      DOC_FULLTEXT_PARAMS,
      docStats,
    ),
  };
}
