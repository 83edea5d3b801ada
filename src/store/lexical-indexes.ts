import type { Chunk, DocRecord, NavNode } from '../types.js';
import { breadcrumbs } from '../text/breadcrumbs.js';
import { lexicalFields, searchableText } from '../text/embedding-text.js';
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
 * text is the concatenation of its chunks' bodies.
 */
export function buildLexicalIndexes(chunks: Chunk[], docs: DocRecord[], navigation: NavNode[]): LexicalIndexes {
  const crumbs = breadcrumbs(navigation);
  const bodies = new Map<string, string[]>();
  const chunkDocs = chunks.map((c) => {
    const body = tokenize(searchableText(c.text));
    const list = bodies.get(c.docId);
    if (list) for (const t of body) list.push(t);
    else bodies.set(c.docId, [...body]);
    return { ...lexicalFields(c), body };
  });
  const headings = (d: DocRecord) => tokenize(d.sections.map((s) => s.heading[s.heading.length - 1] ?? '').join(' '));
  const docFields = docs.map((d) => ({ title: tokenize(d.title), heading: headings(d), context: tokenize((crumbs.get(d.id) ?? []).join(' ')) }));
  return {
    chunks: LexicalIndex.build(chunkDocs),
    docs: LexicalIndex.build(docs.map((d, i) => ({ ...(docFields[i] as (typeof docFields)[number]), body: d.description })), DOC_LEXICAL_PARAMS),
    fulltext: LexicalIndex.build(
      docs.map((d, i) => ({ ...(docFields[i] as (typeof docFields)[number]), body: [...tokenize(d.description), ...(bodies.get(d.id) ?? [])] })),
      DOC_FULLTEXT_PARAMS,
    ),
  };
}
