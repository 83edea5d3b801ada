import type { Chunk } from '../types.js';
import type { LexicalDoc } from '../store/lexical.js';

/**
 * The sentence a missing code sample renders as (see ingest/parse). It helps a reader, but its
 * words ("code", "sample", the framework) would match every code question on every page that
 * lacks its code, so search leaves these lines out.
 */
export const MISSING_CODE_SENTENCE = 'is not included in the offline docs: see';
/** A missing sample's placeholder line. */
const PLACEHOLDER_LINE = /^[ \t]*_Code sample .* is not included in the offline docs: see .*_[ \t]*$/gm;
/** The pointer ingest may add on the line after a placeholder (ingest/sdk/placeholders.ts), with its line break. */
const POINTER_LINE = /\n[ \t]*_Closest SDK example: [^\n]*_[ \t]*(?=\n|$)/g;

/** What ingest adds to a docs page about the pinned SDK (ingest/sdk/annotate.ts): read, not searched. */
const SDK_LINK = / — (?:SDK page: `[^`\n]*`|\*\*renamed:\*\* [^\n]*|\*\*not in [^\n]*)/g;
const SDK_NOTE = /\n\n> \*\*SDK note:\*\* [^\n]*/g;

/**
 * Chunk or doc text as search sees it: without missing-code placeholders and without the notes
 * that link a docs page to the SDK, so that a docs page ranks (and embeds) the same with or
 * without SDK sources in the index; the notes still show in what is returned.
 */
export function searchableText(text: string): string {
  let out = text;
  if (out.includes('_Closest SDK example: ')) out = out.replace(POINTER_LINE, '');
  if (out.includes(MISSING_CODE_SENTENCE)) out = out.replace(PLACEHOLDER_LINE, '');
  if (out.includes('SDK page: `') || out.includes('**renamed:**') || out.includes('**not in ')) out = out.replace(SDK_LINK, '');
  if (out.includes('> **SDK note:**')) out = out.replace(SDK_NOTE, '');
  return out;
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
