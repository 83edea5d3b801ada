import type { Chunk, DocRecord } from '../../src/types.js';
import { tokenize } from '../../src/text/tokenize.js';

/** A piece of SDK code a missing docs sample can point to: a README section or a method page with code. */
export interface SdkExample {
  docId: string;
  url: string;
  /** How the pointer names it: "@workos-inc/authkit-nextjs 4.3.2 › Proxy / Middleware". */
  label: string;
  /** The frameworks it is for, as placeholders name them, lower-cased without punctuation ("nextjs", "node"). */
  framework?: string;
  text: string;
}

export interface PointedFile {
  docId: string;
  doc: DocRecord;
  chunks: Chunk[];
}

/** The placeholder line parse.ts renders for a missing sample, with its indentation. */
const PLACEHOLDER = /^([ \t]*)_Code sample (?:`([^`]*)`|"([^"]*)")(?: \(([^)]*)\))? is not included in the offline docs: see <[^>]*>_[ \t]*$/gm;
/** The pointer line this module writes after a placeholder; dropped and re-made on every build. */
const POINTER = /\n[ \t]*_Closest SDK example: .*_[ \t]*$/gm;
/** A reference page's own link to the SDK method it documents (sdk/annotate.ts). */
const SDK_PAGE = /SDK page: `([^`]+)`/;
/** Placeholder names and variants that say nothing about the code's subject. */
const NOISE = new Set(['request', 'response', 'code', 'sample', 'example', 'npm', 'yarn', 'pnpm', 'terminal', 'install', 'the', 'a', 'an', 'and', 'or', 'to', 'of', 'with', 'for', 'in']);
/** A match needs this share of the query's weight, and at least two distinct terms. */
const MIN_SHARE = 0.55;
/** Languages and frameworks the JavaScript SDKs cannot stand in for: a sample only in these gets no pointer. */
const OTHER_LANGUAGES = /^(python|ruby|go|php|java|kotlin|\.net|c#|csharp|rails|django|flask|sinatra|laravel|spring|maven|gradle|bundler|pip|composer|elixir|curl)$/i;

/**
 * After each missing-sample placeholder, a pointer to the closest SDK code, where one is close
 * enough: on a reference page, the SDK method page its Node line names; elsewhere, the README
 * section or method page sharing the most (IDF-weighted) words with the sample's name, its
 * section heading and the page title, in the sample's framework when it names one. The pointer
 * is an extra line that search ignores (like the placeholder), so vectors and ranks are unchanged.
 */
export function pointPlaceholders<T extends PointedFile>(files: T[], examples: SdkExample[]): { files: T[]; placeholders: number; pointed: number } {
  let placeholders = 0;
  let pointed = 0;
  if (examples.length === 0) return { files, placeholders, pointed };
  const index = examples.map((e) => ({ example: e, terms: new Set(tokenize(`${e.label} ${e.text}`)) }));
  const df = new Map<string, number>();
  for (const { terms } of index) for (const t of terms) df.set(t, (df.get(t) ?? 0) + 1);
  const idf = (t: string) => Math.log(1 + index.length / (1 + (df.get(t) ?? 0)));
  const byId = new Map(examples.map((e) => [e.docId, e]));

  const pointerFor = (doc: DocRecord, heading: string, name: string, variants: string): SdkExample | undefined => {
    const own = SDK_PAGE.exec(doc.markdown)?.[1];
    if (own && byId.has(own) && /request|response|curl/i.test(`${name} ${variants}`)) return byId.get(own);
    const named = variants.split(',').map((v) => v.trim()).filter(Boolean);
    if (named.length && named.every((v) => OTHER_LANGUAGES.test(v))) return undefined;
    // A page about another language's SDK, or a sample that is an event or webhook payload (data, not code).
    if (doc.id.split('/').some((part) => OTHER_LANGUAGES.test(part) || part === 'go')) return undefined;
    if (/\b(event|payload|webhook|object)s?$/i.test(name.trim())) return undefined;
    const frameworks = named.map((v) => frameworkKey(v)).filter(Boolean);
    const query = [...new Set(tokenize(`${name} ${heading} ${doc.title}`))].filter((t) => !NOISE.has(t) && t.length > 1);
    const nameTerms = new Set(tokenize(name).filter((t) => !NOISE.has(t) && t.length > 1));
    const total = query.reduce((n, t) => n + idf(t), 0);
    let best: { example: SdkExample; score: number; shared: number } | undefined;
    for (const { example, terms } of index) {
      if (frameworks.length && example.framework && !frameworks.includes(example.framework)) continue;
      const hits = query.filter((t) => terms.has(t));
      // Most of the sample's own name must be in it: a page's title and heading alone match too much.
      const nameWeight = [...nameTerms].reduce((n, t) => n + idf(t), 0);
      const nameHit = hits.filter((t) => nameTerms.has(t)).reduce((n, t) => n + idf(t), 0);
      if (nameTerms.size && nameHit < 0.5 * nameWeight) continue;
      const score = hits.reduce((n, t) => n + idf(t), 0);
      if (!best || score > best.score) best = { example, score, shared: hits.length };
    }
    return best && best.shared >= 2 && total > 0 && best.score / total >= MIN_SHARE ? best.example : undefined;
  };

  const out = files.map((file) => {
    if (!file.doc.markdown.includes('is not included in the offline docs')) return file;
    const headingAt = headingsByOffset(file.doc);
    const rewrite = (text: string, fixedHeading?: string) =>
      text.replace(POINTER, '').replace(PLACEHOLDER, (line: string, indent: string, file_: string | undefined, quoted: string | undefined, variants: string | undefined, offset: number) => {
        const heading = fixedHeading ?? headingAt(offset);
        const target = pointerFor(file.doc, heading, file_ ?? quoted ?? '', variants ?? '');
        return target ? `${line}\n${indent}_Closest SDK example: [${target.label}](${target.url}) (\`${target.docId}\`)_` : line;
      });
    const markdown = rewrite(file.doc.markdown);
    placeholders += (file.doc.markdown.match(PLACEHOLDER) ?? []).length;
    pointed += (markdown.match(POINTER) ?? []).length;
    const chunks = file.chunks.map((c) => {
      if (!c.text.includes('is not included in the offline docs')) return c;
      const text = rewrite(c.text, [c.title, ...c.heading].join(' '));
      return text === c.text ? c : { ...c, text };
    });
    return { ...file, doc: { ...file.doc, markdown, sections: shiftSections(file.doc, markdown) }, chunks };
  });
  return { files: out, placeholders, pointed };
}

/** `Next.js` → `nextjs`, `React Router` → `reactrouter`: how variants and SDK frameworks are compared. */
export function frameworkKey(name: string): string {
  const key = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return KNOWN_FRAMEWORKS.has(key) ? key : '';
}
const KNOWN_FRAMEWORKS = new Set(['nextjs', 'react', 'remix', 'reactrouter', 'sveltekit', 'tanstackstart', 'node', 'nodejs', 'express', 'js', 'javascript']);

/** The heading path in force at each offset of a doc's markdown. */
function headingsByOffset(doc: DocRecord): (offset: number) => string {
  const starts = doc.sections.map((s) => ({ offset: s.offset, heading: [doc.title, ...s.heading].join(' ') }));
  return (offset) => {
    let heading = doc.title;
    for (const s of starts) if (s.offset <= offset) heading = s.heading;
    return heading;
  };
}

/** Section offsets after pointer lines were added (or removed) above them. */
function shiftSections(doc: DocRecord, markdown: string): DocRecord['sections'] {
  if (markdown.length === doc.markdown.length) return doc.sections;
  // Each section's heading line is unique enough to find again from its old position onward.
  let from = 0;
  return doc.sections.map((s) => {
    const line = doc.markdown.slice(s.offset).split('\n', 1)[0];
    const at = line ? markdown.indexOf(line, from) : -1;
    const offset = at >= 0 ? at : s.offset;
    from = Math.max(from, offset);
    return { ...s, offset };
  });
}
