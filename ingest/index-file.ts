import type { Chunk, DocRecord, Section } from '../src/types.js';
import { docUrl } from '../src/ids.js';
import { chunkSections, type ChunkOptions } from './chunk.js';
import type { IngestLimits } from './limits.js';
import { parseDoc, ParseError, readFrontmatterOnly, sha256, summaryOf } from './parse.js';
import type { ReferenceRegistry } from './reference.js';
import { FRONTMATTER } from './markdown.js';

/** One doc file to parse and chunk: plain data, so that it can cross to a parse process. */
export interface FileJob {
  path: string;
  docId: string;
  source: string;
  /** Root-relative links resolve against it. */
  baseUrl: string;
  /** The doc's URL (default: the base URL followed by the doc id). */
  url?: string;
}

export interface FileWarning {
  path: string;
  line?: number;
  column?: number;
  message: string;
}

export interface IndexedFile {
  doc: DocRecord;
  chunks: Chunk[];
  /** How the file was read when it could not be parsed as written. */
  fallback?: 'markdown' | 'plain';
  warnings: FileWarning[];
}

export interface IndexFileOptions {
  registry: ReferenceRegistry;
  limits: IngestLimits;
  chunk: ChunkOptions;
  /** Throw instead of falling back to Markdown or plain text. */
  strict: boolean;
}

/**
 * Parses and chunks one file without ever losing its page: a file that is not valid MDX is
 * parsed as plain Markdown, and one that cannot be parsed at all (or that the cheap pre-check
 * finds too deep or too costly to parse) is indexed as plain text, with a warning either way.
 * In strict mode the first fallback throws a ParseError instead.
 */
export function indexFile(job: FileJob, options: IndexFileOptions): IndexedFile {
  const risk = parseRisk(job.source, options.limits);
  if (risk) return plainFallback(job, options, { path: job.path, message: risk });
  const isMdx = !job.path.toLowerCase().endsWith('.md');
  const first = tryParse(job, options, false);
  if (!(first instanceof ParseError)) return first;
  if (options.strict) throw first;
  const problem = describe(first, isMdx ? 'not valid MDX' : 'not valid Markdown');
  if (!isMdx) return plainFallback(job, options, problem);
  const second = tryParse(job, options, true);
  if (second instanceof ParseError) return plainFallback(job, options, { ...problem, message: `${problem.message}, nor plain Markdown (${second.reason})` });
  second.warnings.unshift({ ...problem, message: `${problem.message}; indexed as plain Markdown` });
  return { ...second, fallback: 'markdown' };
}

/** The last resort, also used when a parse process ran out of time or memory: markup stripped, text kept. */
export function plainFallback(job: FileJob, options: IndexFileOptions, problem: FileWarning): IndexedFile {
  if (options.strict) throw new ParseError(job.path, problem.line, problem.column, problem.message);
  const { doc, sections } = plainTextDoc(job);
  const chunks = chunkSections(sections, job.baseUrl, options.chunk, job.url);
  return { doc, chunks, fallback: 'plain', warnings: [{ ...problem, message: `${problem.message}; indexed as plain text` }] };
}

function tryParse(job: FileJob, options: IndexFileOptions, markdownOnly: boolean): IndexedFile | ParseError {
  try {
    const parsed = parseDoc({ ...job, registry: options.registry, markdownOnly, limits: options.limits });
    const chunks = chunkSections(parsed.sections, job.baseUrl, options.chunk, job.url);
    return { doc: parsed.doc, chunks, warnings: parsed.warnings.map((message) => ({ path: job.path, message })) };
  } catch (error) {
    if (error instanceof ParseError) return error;
    // A tree too deep for the stack, or a bug on odd input: the file still has a page.
    return new ParseError(job.path, undefined, undefined, (error as Error).message ?? String(error));
  }
}

function describe(error: ParseError, what: string): FileWarning {
  return { path: error.path, line: error.line, column: error.column, message: `${what} (${error.reason})` };
}

/**
 * Why a file should not be parsed as markup at all, found in one linear pass: blockquotes or JSX
 * nested deeper than the parser and tree walkers' stack allows (the parse would fail only after
 * seconds and hundreds of megabytes), or delimiter runs that make emphasis matching quadratic.
 * Only lines that start with a tag count towards JSX nesting, outside code fences, so that
 * `Array<string>` in code or prose is not taken for an element.
 */
export function parseRisk(source: string, limits: IngestLimits): string | undefined {
  const run = new RegExp(`[*_]{${limits.maxDelimiterRun + 1},}`).exec(source);
  if (run) return `a run of more than ${limits.maxDelimiterRun} "*"/"_" characters at line ${lineAt(source, run.index)} (limit maxDelimiterRun)`;
  let fence: string | undefined;
  let depth = 0;
  const lines = source.split('\n');
  for (const [i, line] of lines.entries()) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker) {
      if (!fence) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (fence) continue;
    const quotes = /^[ \t]*(?:>[ \t]*){2,}/.exec(line)?.[0].split('>').length ?? 1;
    if (quotes - 1 > limits.maxNesting) return `blockquotes nested ${quotes - 1} deep at line ${i + 1} (limit maxNesting ${limits.maxNesting})`;
    if (!/^\s*<[A-Za-z/]/.test(line)) continue;
    // (?=(…))\1 is an atomic group: a tag that never closes costs one scan, not a backtracking search.
    for (const tag of line.matchAll(/<(?=(\/?[A-Za-z][^<>]*))\1>/g)) {
      const body = tag[1] ?? '';
      const name = /^\/?([A-Za-z][\w.:-]*)/.exec(body)?.[1] ?? '';
      if (body.startsWith('/')) depth = Math.max(0, depth - 1);
      else if (!body.endsWith('/') && !VOID_ELEMENTS.has(name.toLowerCase())) depth++;
      if (depth > limits.maxNesting) return `elements nested more than ${limits.maxNesting} deep at line ${i + 1} (limit maxNesting)`;
    }
  }
  return undefined;
}

const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

function lineAt(source: string, index: number): number {
  let line = 1;
  for (let i = source.indexOf('\n'); i >= 0 && i < index; i = source.indexOf('\n', i + 1)) line++;
  return line;
}

/** The file as one intro section of plain text: frontmatter, tags, expressions and emphasis stripped, in linear time. */
function plainTextDoc(job: FileJob): { doc: DocRecord; sections: Section[] } {
  const frontmatter = FRONTMATTER.exec(job.source);
  let fields: Record<string, unknown> = {};
  try {
    fields = frontmatter ? readFrontmatterOnly(job.source, job.path) : {};
  } catch {
    // Invalid YAML: the text below still carries the page.
  }
  const body = frontmatter ? job.source.slice(frontmatter[0].length) : job.source;
  const text = plainText(body);
  const heading = headingTitle(/^#{1,6}[ \t]+(.{1,200})$/m.exec(text)?.[1]);
  const title = field(fields.title) ?? heading ?? (job.docId || 'index');
  const description = field(fields.description) ?? '';
  const sections: Section[] = text ? [{ docId: job.docId, title, heading: [], anchor: '', level: 0, text }] : [];
  const markdown = `# ${title}\n\n${description ? `${description}\n\n` : ''}${text}`.trimEnd() + '\n';
  const doc: DocRecord = {
    id: job.docId,
    title,
    description: description || summaryOf(sections),
    url: job.url ?? docUrl(job.baseUrl, job.docId),
    markdown,
    sections: sections.map((s) => ({ heading: s.heading, anchor: s.anchor, level: s.level, offset: 0 })),
    sourceHash: sha256(job.source),
  };
  return { doc, sections };
}

export function plainText(source: string): string {
  return withoutComments(source.replace(/\r\n?/g, '\n'))
    .replace(/^(?:import|export)\s.*$/gm, '')
    .replace(/<\/?[A-Za-z][^<>\n]*>/g, ' ')
    .replace(/\{[^{}\n]*\}/g, ' ')
    .replace(/^[ \t]*(?:>[ \t]*)+/gm, '')
    .replace(/[*_]{2,}|(?<=^|\s)[*_]|[*_](?=\s|$)/gm, '')
    .split('\n')
    // trimEnd, not /[ \t]+$/gm, which is quadratic on a long run of spaces that does not end a line.
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** `<!-- … -->` removed by search rather than a lazy regex, which is quadratic on many unclosed comments. */
function withoutComments(text: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const start = text.indexOf('<!--', at);
    const end = start < 0 ? -1 : text.indexOf('-->', start + 4);
    if (end < 0) return out + text.slice(at);
    out += `${text.slice(at, start)} `;
    at = end + 3;
  }
}

/** A raw heading line as a title: logos (`![Acme logo](acme.svg)`) dropped, links and code as their text. */
function headingTitle(raw: string | undefined): string | undefined {
  const title = raw
    ?.replace(/!\[[^\]\n]*\]\([^)\n]*\)/g, '')
    .replace(/\[([^\]\n]*)\]\([^)\n]*\)/g, '$1')
    .replace(/`/g, '')
    .trim();
  return title || raw?.trim() || undefined;
}

function field(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, 500) : undefined;
}
