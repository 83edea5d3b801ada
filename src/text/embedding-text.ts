import type { Chunk } from '../types.js';
import type { LexicalDoc } from '../store/lexical.js';

/**
 * The sentence a missing code sample renders as (see ingest/parse). It helps a reader, but its
 * words ("code", "sample", the framework) would match every code question on every page that
 * lacks its code, so search leaves these lines out.
 */
export const MISSING_CODE_SENTENCE = 'is not included in the offline docs: see';
/** A missing sample's placeholder line, and the pointer to the closest SDK example that may follow it. */
const PLACEHOLDER_LINE = /^[ \t]*_(?:Code sample .* is not included in the offline docs: see .*|Closest SDK example: .*)_[ \t]*$/gm;

/** Chunk or doc text as search sees it: without missing-code placeholders. */
export function searchableText(text: string): string {
  return text.includes(MISSING_CODE_SENTENCE) ? text.replace(PLACEHOLDER_LINE, '') : text;
}

/**
 * In a search result, a placeholder pointing at the result's own URL need not repeat it: the
 * result carries its URL. Saves about 90 characters per missing sample.
 */
export function compactPlaceholders(text: string, url: string): string {
  if (!text.includes(MISSING_CODE_SENTENCE)) return text;
  return text.replace(/(_Code sample .* is not included in the offline docs: see )<([^>\s]+)>_/g, (whole, head: string, target: string) =>
    target === url ? `${head}this result's url_` : whole,
  );
}

/** What gets embedded for a chunk: its context (nav breadcrumb, doc title, heading path) and its body. */
export function embeddingText(chunk: Pick<Chunk, 'title' | 'heading' | 'text' | 'context'>): string {
  const context = [...(chunk.context ?? []), chunk.title, ...chunk.heading].join(' > ');
  return `${context}\n\n${searchableText(chunk.text)}`;
}

/** The fields of a chunk that lexical search weighs. */
export function lexicalFields(chunk: Pick<Chunk, 'title' | 'heading' | 'text' | 'context'>): LexicalDoc {
  return { title: chunk.title, heading: chunk.heading.join(' '), body: searchableText(chunk.text), context: (chunk.context ?? []).join(' ') };
}
