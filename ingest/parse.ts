import { createHash } from 'node:crypto';
import { toString } from 'mdast-util-to-string';
import YAML from 'yaml';
import type { Heading, Root, RootContent, PhrasingContent, Parent } from 'mdast';
import type { MdxJsxAttribute, MdxJsxFlowElement, MdxJsxTextElement } from 'mdast-util-mdx-jsx';
import type { DocRecord, Section } from '../src/types.js';
import { createSlugger, docUrl } from '../src/ids.js';
import { parseMarkdown, toMarkdown } from './markdown.js';
import { referenceSections, type ExpansionLimits, type ReferenceRegistry } from './reference.js';

export interface ParseInput {
  /** Path relative to the docs root, POSIX. */
  path: string;
  docId: string;
  source: string;
  baseUrl: string;
  registry: ReferenceRegistry;
  /** Parse `.mdx` files as plain Markdown (the fallback for a file that is not valid MDX). */
  markdownOnly?: boolean;
  limits?: ExpansionLimits;
}

export interface ParsedDoc {
  doc: DocRecord;
  sections: Section[];
  /** Problems that did not stop the parse (e.g. reference text cut short by a limit). */
  warnings: string[];
}

/** A file that could not be parsed: where, and what the parser said. */
export class ParseError extends Error {
  constructor(
    readonly path: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
    readonly reason: string,
  ) {
    super(`${path}${line ? `:${line}${column ? `:${column}` : ''}` : ''}: ${reason}`);
    this.name = 'ParseError';
  }
}

const MAX_SECTION_DEPTH = 4;
/** JSX props that carry words a reader sees; everything else (file names, data, styling) is dropped. */
const READABLE_PROPS = ['title', 'label', 'name', 'heading', 'caption', 'alt', 'description'];
/** Components whose props are UI chrome, not content ("Request", "Response" tabs). */
const CHROME_COMPONENTS = new Set(['CodeBlockTab', 'LanguageSelector']);

export function parseDoc(input: ParseInput): ParsedDoc {
  const warnings: string[] = [];
  const tree = parseOrThrow(input);
  const frontmatter = readFrontmatter(tree, input.path);
  const url = docUrl(input.baseUrl, input.docId);
  const blocks = cleanBlocks(tree.children, { baseUrl: input.baseUrl, docUrl: url });
  const firstHeading = blocks.find((b): b is Heading => b.type === 'heading');
  const title =
    stringField(frontmatter.title) ?? (firstHeading ? headingText(firstHeading) : undefined) ?? input.docId;
  const description = (stringField(frontmatter.description) ?? '').trim();
  const slug = createSlugger();
  const sections = splitSections(blocks, input.docId, title, slug);
  const ctx = { baseUrl: input.baseUrl, docId: input.docId, title, slug, sections, limits: input.limits, warn: (m: string) => warnings.push(m) };
  sections.push(...referenceSections(frontmatter, input.registry, ctx));
  const doc: DocRecord = {
    id: input.docId,
    title,
    description: description || summaryOf(sections),
    url,
    ...renderDoc(title, description, sections),
    sourceHash: sha256(input.source),
  };
  return { doc, sections, warnings };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Frontmatter of a file without a full markdown parse: needed up front to build the reference registry. */
export function readFrontmatterOnly(source: string, path: string): Record<string, unknown> {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(source);
  if (!match) return {};
  return parseYaml(match[1] ?? '', path);
}

function parseOrThrow(input: ParseInput): Root {
  const isMdx = !input.markdownOnly && !input.path.toLowerCase().endsWith('.md');
  try {
    return parseMarkdown(isMdx ? withoutHtmlComments(input.source) : input.source, isMdx);
  } catch (error) {
    const e = error as { line?: number; column?: number; reason?: string; message?: string };
    throw new ParseError(input.path, e.line ?? undefined, e.column ?? undefined, e.reason ?? e.message ?? String(error));
  }
}

/**
 * HTML comments are invalid MDX but common in docs written as Markdown: drop them (outside fenced
 * code, where they are content) rather than reject the file. Newlines inside a comment are kept so
 * that error positions still point at the right line. Comments inside inline code are dropped too:
 * a rare loss, and the alternative is a second Markdown tokenizer here.
 */
export function withoutHtmlComments(source: string): string {
  if (!source.includes('<!--')) return source;
  const lines = source.split('\n');
  let fence: string | undefined;
  let inComment = false;
  const out = lines
    .map((line) => {
      const marker = inComment ? undefined : /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (marker) {
        if (!fence) fence = marker;
        else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
        return line;
      }
      if (fence) return line;
      let out = '';
      let at = 0;
      while (at < line.length) {
        if (inComment) {
          const end = line.indexOf('-->', at);
          if (end < 0) return out;
          inComment = false;
          at = end + 3;
        } else {
          const start = line.indexOf('<!--', at);
          if (start < 0) return out + line.slice(at);
          out += line.slice(at, start);
          inComment = true;
          at = start + 4;
        }
      }
      return out;
    })
    .join('\n');
  // An unclosed comment would swallow the rest of the page: leave it for the parser to report.
  return inComment ? source : out;
}

function readFrontmatter(tree: Root, path: string): Record<string, unknown> {
  const yamlNode = tree.children.find((n) => n.type === 'yaml');
  return yamlNode && 'value' in yamlNode ? parseYaml(yamlNode.value, path) : {};
}

function parseYaml(text: string, path: string): Record<string, unknown> {
  try {
    const value: unknown = YAML.parse(text, { maxAliasCount: 100 });
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch (error) {
    const e = error as { linePos?: Array<{ line: number; col: number }>; message?: string };
    const pos = e.linePos?.[0];
    throw new ParseError(path, pos ? pos.line + 1 : undefined, pos?.col, `invalid YAML frontmatter: ${(e.message ?? String(error)).split('\n')[0]}`);
  }
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

interface CleanContext {
  baseUrl: string;
  docUrl: string;
}

/**
 * Turns MDX into plain mdast: JSX elements give way to their children (plus readable props),
 * ESM and expressions go, images become their alt text, relative links become absolute.
 */
function cleanBlocks(nodes: RootContent[], ctx: CleanContext): RootContent[] {
  const out: RootContent[] = [];
  for (const node of nodes) {
    switch (node.type) {
      case 'yaml':
      case 'mdxjsEsm':
      case 'mdxFlowExpression':
        break;
      case 'html':
        if (!/^\s*<!--/.test(node.value)) out.push({ type: 'paragraph', children: [{ type: 'text', value: stripTags(node.value) }] });
        break;
      case 'mdxJsxFlowElement': {
        const props = propsParagraph(node);
        if (props) out.push(props);
        out.push(...cleanBlocks(node.children as RootContent[], ctx));
        break;
      }
      case 'heading':
        out.push({ ...node, children: cleanPhrasing(node.children, ctx), data: { ...node.data, anchor: customAnchor(node) } } as Heading);
        break;
      default:
        out.push(cleanNode(node, ctx));
    }
  }
  return out.filter((n) => !(n.type === 'paragraph' && toString(n).trim() === ''));
}

function cleanNode(node: RootContent, ctx: CleanContext): RootContent {
  if (node.type === 'paragraph' || node.type === 'tableCell' || node.type === 'emphasis' || node.type === 'strong' || node.type === 'delete') {
    return { ...node, children: cleanPhrasing(node.children, ctx) } as RootContent;
  }
  if ('children' in node && Array.isArray(node.children)) {
    const children = (node.children as RootContent[]).flatMap((child) =>
      child.type === 'mdxJsxFlowElement' || child.type === 'mdxFlowExpression' || child.type === 'mdxjsEsm'
        ? cleanBlocks([child], ctx)
        : [cleanNode(child, ctx)],
    );
    return { ...(node as Parent), children } as RootContent;
  }
  return node;
}

function cleanPhrasing(nodes: PhrasingContent[], ctx: CleanContext): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  for (const node of nodes) {
    switch (node.type) {
      case 'mdxTextExpression':
        break;
      case 'mdxJsxTextElement':
        out.push(...cleanPhrasing((node as MdxJsxTextElement).children as PhrasingContent[], ctx));
        break;
      case 'image':
        if (node.alt) out.push({ type: 'text', value: node.alt });
        break;
      case 'imageReference':
        if (node.alt) out.push({ type: 'text', value: node.alt });
        break;
      case 'html':
        out.push({ type: 'text', value: stripTags(node.value) });
        break;
      case 'link':
        out.push({ ...node, url: absoluteUrl(node.url, ctx), children: cleanPhrasing(node.children, ctx) });
        break;
      case 'emphasis':
      case 'strong':
      case 'delete':
        out.push({ ...node, children: cleanPhrasing(node.children, ctx) } as PhrasingContent);
        break;
      default:
        out.push(node);
    }
  }
  return out;
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
}

function absoluteUrl(url: string, ctx: CleanContext): string {
  if (url.startsWith('#')) return ctx.docUrl + url;
  if (url.startsWith('/')) return ctx.baseUrl.replace(/\/+$/, '') + url;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  try {
    return new URL(url, ctx.docUrl + '/').toString();
  } catch {
    return url;
  }
}

function propsParagraph(node: MdxJsxFlowElement): RootContent | undefined {
  if (node.name && CHROME_COMPONENTS.has(node.name)) return undefined;
  const values = readableProps(node.attributes);
  if (values.length === 0) return undefined;
  const children: PhrasingContent[] = [];
  values.forEach((value, i) => {
    if (i > 0) children.push({ type: 'text', value: ' — ' });
    children.push(isIdentifier(value) ? { type: 'inlineCode', value } : { type: 'strong', children: [{ type: 'text', value }] });
  });
  return { type: 'paragraph', children };
}

function readableProps(attributes: MdxJsxFlowElement['attributes']): string[] {
  const values: string[] = [];
  for (const name of READABLE_PROPS) {
    const attr = attributes.find((a): a is MdxJsxAttribute => a.type === 'mdxJsxAttribute' && a.name === name);
    if (attr && typeof attr.value === 'string' && attr.value.trim()) values.push(attr.value.trim());
  }
  return values;
}

function isIdentifier(value: string): boolean {
  return !/\s/.test(value) && /[._]/.test(value);
}

/** `## Authentication events {{ "url": "authentication" }}` sets the anchor explicitly. */
function customAnchor(node: Heading): string | undefined {
  for (const child of node.children) {
    if (child.type === 'mdxTextExpression') {
      const match = /["']?url["']?\s*:\s*["']([^"']+)["']/.exec(child.value);
      if (match?.[1]) return match[1];
    }
  }
  return undefined;
}

function headingText(node: Heading): string {
  return toString(node).replace(/\s+/g, ' ').trim();
}

function splitSections(blocks: RootContent[], docId: string, title: string, slug: (text: string) => string): Section[] {
  const sections: Section[] = [];
  const stack: Array<{ depth: number; text: string }> = [];
  let current: Section = { docId, title, heading: [], anchor: '', level: 0, text: '' };
  let body: RootContent[] = [];
  let titleHeadingSeen = false;
  const flush = () => {
    current.text = toMarkdown(body);
    if (current.level > 0 || current.text) sections.push(current);
  };
  for (const block of blocks) {
    if (block.type !== 'heading' || block.depth > MAX_SECTION_DEPTH) {
      body.push(block);
      continue;
    }
    flush();
    body = [];
    const text = headingText(block);
    const explicit = (block.data as { anchor?: string } | undefined)?.anchor;
    const anchor = explicit ?? slug(text);
    if (explicit) slug(text);
    while (stack.length > 0 && (stack[stack.length - 1]?.depth ?? 0) >= block.depth) stack.pop();
    // The doc's own title heading is not part of the breadcrumb: it would only repeat `title`.
    const isTitle = !titleHeadingSeen && sections.every((s) => s.level === 0) && sameText(text, title);
    if (isTitle) titleHeadingSeen = true;
    else stack.push({ depth: block.depth, text });
    current = { docId, title, heading: stack.map((s) => s.text), anchor, level: block.depth, text: '' };
  }
  flush();
  return sections;
}

function sameText(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * A one-line summary for a doc without a frontmatter description: the first prose paragraph of
 * its first section, as plain text, cut at a sentence end after about 240 characters.
 */
export function summaryOf(sections: Section[]): string {
  const first = sections.find((s) => s.text.trim());
  if (!first) return '';
  const paragraph = first.text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .find((p) => p && !/^(```|~~~|\||#|>|[-*+] |\d+\. |<|!\[)/.test(p) && !/^\*\*[^*]+\*\*$/.test(p));
  if (!paragraph) return '';
  // Only the start matters, and the link pattern below is quadratic on a long run of `[`.
  const plain = paragraph
    .slice(0, 4000)
    .replace(/!?\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))*\)/g, '$1')
    .replace(/[`*_]{1,3}([^`*_]+)[`*_]{1,3}/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length <= 240) return plain;
  const cut = plain.slice(0, 300);
  const end = Math.max(cut.lastIndexOf('. ', 240), cut.lastIndexOf('? ', 240), cut.lastIndexOf('! ', 240));
  return end > 60 ? cut.slice(0, end + 1) : `${plain.slice(0, 240).replace(/\s+\S*$/, '')}…`;
}

function renderDoc(title: string, description: string, sections: Section[]): Pick<DocRecord, 'markdown' | 'sections'> {
  let markdown = `# ${title}\n\n`;
  if (description) markdown += `${description}\n\n`;
  const refs: DocRecord['sections'] = [];
  for (const section of sections) {
    const offset = markdown.length;
    const last = section.heading[section.heading.length - 1];
    if (section.level > 0 && last) markdown += `${'#'.repeat(Math.max(2, section.level))} ${last}\n\n`;
    if (section.text) markdown += `${section.text}\n\n`;
    refs.push({ heading: section.heading, anchor: section.anchor, level: section.level, offset });
  }
  return { markdown: markdown.trimEnd() + '\n', sections: refs };
}
