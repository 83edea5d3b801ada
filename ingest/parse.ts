import { annotateSdkCalls } from './sdk/annotate.js';
import { createHash } from 'node:crypto';
import { toString } from 'mdast-util-to-string';
import YAML from 'yaml';
import type { Heading, Root, RootContent, PhrasingContent, Parent } from 'mdast';
import type { MdxJsxAttribute, MdxJsxFlowElement, MdxJsxTextElement } from 'mdast-util-mdx-jsx';
import type { DocRecord, Section } from '../src/types.js';
import { createSlugger, docUrl } from '../src/ids.js';
import { FRONTMATTER, parseMarkdown, toMarkdown } from './markdown.js';
import { referenceSections, type ExpansionLimits, type ReferenceRegistry } from './reference.js';

export interface ParseInput {
  /** Path relative to the docs root, POSIX. */
  path: string;
  docId: string;
  source: string;
  baseUrl: string;
  /** The doc's URL (default: the base URL followed by the doc id). */
  url?: string;
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
  const tree = parseOrThrow({ ...input, source: repairSource(input.source, input.baseUrl) });
  const frontmatter = readFrontmatter(tree, input.path);
  const url = input.url ?? docUrl(input.baseUrl, input.docId);
  const blocks = cleanBlocks(tree.children, { baseUrl: input.baseUrl, docUrl: url });
  const firstHeading = blocks.find((b): b is Heading => b.type === 'heading');
  const title =
    stringField(frontmatter.title) ?? (firstHeading ? headingText(firstHeading) : undefined) ?? input.docId;
  const description = (stringField(frontmatter.description) ?? '').trim();
  const slug = createSlugger();
  const sections = splitSections(blocks, input.docId, title, slug, url);
  const ctx = { baseUrl: input.baseUrl, docId: input.docId, title, slug, sections, limits: input.limits, warn: (m: string) => warnings.push(m) };
  sections.push(...referenceSections(frontmatter, input.registry, ctx));
  const linked = annotateSdkCalls(sections, input.registry.sdk);
  const doc: DocRecord = {
    id: input.docId,
    title,
    description: description || summaryOf(linked),
    url,
    ...renderDoc(title, description, linked),
    sourceHash: sha256(input.source),
  };
  return { doc, sections: linked, warnings };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Frontmatter of a file without a full markdown parse: needed up front to build the reference registry. */
export function readFrontmatterOnly(source: string, path: string): Record<string, unknown> {
  const match = FRONTMATTER.exec(source);
  if (!match) return {};
  return parseYaml(match[1] ?? '', path);
}

function parseOrThrow(input: ParseInput): Root {
  const isMdx = !input.markdownOnly && !input.path.toLowerCase().endsWith('.md');
  try {
    return parseMarkdown(withoutHtmlComments(input.source), isMdx);
  } catch (error) {
    const e = error as { line?: number; column?: number; reason?: string; message?: string };
    throw new ParseError(input.path, e.line ?? undefined, e.column ?? undefined, e.reason ?? e.message ?? String(error));
  }
}

/**
 * HTML comments are invalid MDX but common in docs written as Markdown: drop them (outside fenced
 * code, where they are content) rather than reject the file. In Markdown they go too: a comment
 * starting a line would otherwise take the text after it on that line into a dropped HTML block,
 * and one inside a paragraph can hold a `>` that ends a tag early. Newlines inside a comment are
 * kept so that error positions still point at the right line. Comments inside inline code are dropped too:
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
  /** The variant a block sits under (`- $ frontend="nextjs"` → `Next.js`), for code placeholders. */
  variant?: string;
}

/** A code sample the docs reference by file but do not ship: rendered as a placeholder line. */
interface MissingCodeSample {
  /** The file name shown on the site (`proxy.ts`), else the sample's title or snippet key. */
  name: string;
  isFile: boolean;
  variants: string[];
}

/**
 * Repairs two kinds of broken source seen in published docs before parsing: an image missing its
 * opening bracket (`!Alt text](url)`), and placeholder hosts that write the docs' own domain with
 * underscores (`https://api_workos_com` for `https://api.workos.com`).
 */
export function repairSource(source: string, baseUrl: string): string {
  let out = source.replace(/(^|[\s(])!([A-Za-z][^[\]\n]{2,300})\]\(/g, '$1![$2](');
  const domain = registrableDomain(baseUrl);
  if (domain) {
    out = out.replace(/\b(https?:\/\/)([a-z0-9-]+(?:_[a-z0-9-]+)+)(?=[/:?#\s`'")\]]|$)/gi, (whole, scheme: string, host: string) => {
      const dotted = host.replace(/_/g, '.');
      return dotted.toLowerCase().endsWith(domain) ? `${scheme}${dotted}` : whole;
    });
  }
  return out;
}

function registrableDomain(baseUrl: string): string | undefined {
  try {
    const labels = new URL(baseUrl).hostname.toLowerCase().split('.');
    return labels.length >= 2 ? labels.slice(-2).join('.') : undefined;
  } catch {
    return undefined;
  }
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
        const sample = missingCodeSample(node, ctx);
        if (sample) {
          out.push({ type: 'paragraph', children: [], data: { codeSample: sample } } as RootContent);
          break;
        }
        const props = propsParagraph(node);
        const inner = [...(props ? [props] : []), ...cleanBlocks(node.children as RootContent[], ctx)];
        if (inner.length === 1 && inner[0]?.type === 'paragraph' && toString(inner[0]).trim().length === 1) break;
        out.push(...inner);
        break;
      }
      case 'heading': {
        // A logo before a heading's text (`# ![Acme logo](acme.svg)Acme`) is decoration: its alt
        // text would make the title "Acme logoAcme". A heading that is only an image keeps it.
        const text = cleanPhrasing(withoutImages(node.children), ctx);
        const children = toString({ type: 'paragraph', children: text }).trim() ? text : cleanPhrasing(node.children, ctx);
        out.push({ ...node, children, data: { ...node.data, anchor: customAnchor(node) } } as Heading);
        break;
      }
      case 'paragraph':
        // A component holding one character on its own line is an index marker (a glossary's
        // `A`, `B`, …), not text.
        if (node.children.length === 1 && node.children[0]?.type === 'mdxJsxTextElement' && toString(node).trim().length <= 1) break;
        out.push(cleanNode(node, ctx));
        break;
      default:
        out.push(cleanNode(node, ctx));
    }
  }
  return out.filter((n) => !(n.type === 'paragraph' && toString(n).trim() === '' && !isCodeSample(n)));
}

function isCodeSample(node: RootContent): boolean {
  return Boolean((node.data as { codeSample?: MissingCodeSample } | undefined)?.codeSample);
}

/**
 * `<CodeBlock file="…" title="proxy.ts">` (with or without `<CodeBlockTab>` children) names a
 * snippet file the docs package does not ship. Such an element becomes one honest placeholder
 * instead of a bare label; an element that does hold code is left to render its code.
 */
function missingCodeSample(node: MdxJsxFlowElement, ctx: CleanContext): MissingCodeSample | undefined {
  const tabs = node.children.filter((c): c is MdxJsxFlowElement => c.type === 'mdxJsxFlowElement');
  // A sample is an element naming a file itself, or a container of nothing but file tabs that
  // carries no readable props of its own (`<Event.Details name="…">` around a sample is content).
  const ownProps = READABLE_PROPS.filter((p) => p !== 'title').some((p) => attribute(node, p));
  const isTabSet = !ownProps && tabs.length > 0 && tabs.length === node.children.length && tabs.every((t) => attribute(t, 'file') && t.children.length === 0);
  const file = attribute(node, 'file') ?? (isTabSet ? attribute(tabs[0] as MdxJsxFlowElement, 'file') : undefined);
  if (!file || containsCode(node)) return undefined;
  const title = attribute(node, 'title');
  const name = title ?? file;
  const isFile = !title || (/[./]/.test(title) && !/\s/.test(title));
  const tabNames = tabs.map((t) => attribute(t, 'title') ?? languageName(attribute(t, 'language'))).filter((t): t is string => Boolean(t));
  const variants = [...new Set([...(ctx.variant ? [ctx.variant] : []), ...tabNames])];
  return { name, isFile, variants };
}

function containsCode(node: { children?: unknown[]; type: string }): boolean {
  if (node.type === 'code') return true;
  return Array.isArray(node.children) && node.children.some((c) => containsCode(c as { type: string; children?: unknown[] }));
}

function attribute(node: MdxJsxFlowElement, name: string): string | undefined {
  const attr = node.attributes.find((a): a is MdxJsxAttribute => a.type === 'mdxJsxAttribute' && a.name === name);
  return attr && typeof attr.value === 'string' && attr.value.trim() ? attr.value.trim() : undefined;
}

/** Display names for the framework and language keys docs use in variant switches and tabs. */
const DISPLAY_NAMES: Record<string, string> = {
  nextjs: 'Next.js',
  'client-only': 'client-only React',
  react: 'React',
  remix: 'Remix',
  vanilla: 'vanilla JavaScript',
  js: 'JavaScript',
  javascript: 'JavaScript',
  ts: 'TypeScript',
  typescript: 'TypeScript',
  nodejs: 'Node.js',
  node: 'Node.js',
  php: 'PHP',
  dotnet: '.NET',
  csharp: 'C#',
  curl: 'cURL',
};

function languageName(key: string | undefined): string | undefined {
  if (!key) return undefined;
  return DISPLAY_NAMES[key.toLowerCase()] ?? key.charAt(0).toUpperCase() + key.slice(1);
}

/**
 * List items that act as tabs or variant switches in the docs' source: `- $ frontend="nextjs"`
 * (content for one framework) and `- | Complete` (a tab label). Returns the label to show.
 */
function listItemMarker(node: RootContent): { label: string; variant?: string } | undefined {
  if (node.type !== 'listItem') return undefined;
  const first = node.children[0];
  if (first?.type !== 'paragraph') return undefined;
  const text = toString(first).trim();
  const variant = /^\$\s*([\w-]+)\s*=\s*"([^"]+)"$/.exec(text);
  if (variant?.[1] && variant[2]) {
    const names = variant[2].split(',').map((v) => languageName(v.trim()) ?? v.trim()).join(', ');
    return { label: `${languageName(variant[1])}: ${names}`, variant: names };
  }
  const tab = /^\|\s*(.+)$/.exec(text);
  if (tab?.[1]) return { label: tab[1].trim() };
  return undefined;
}

function cleanNode(node: RootContent, ctx: CleanContext): RootContent {
  const marker = listItemMarker(node);
  if (marker && node.type === 'listItem') {
    const inner = { ...ctx, ...(marker.variant ? { variant: marker.variant } : {}) };
    const rest = cleanBlocks(node.children.slice(1) as RootContent[], inner);
    const label: RootContent = { type: 'paragraph', children: [{ type: 'strong', children: [{ type: 'text', value: marker.label }] }] };
    return { ...node, children: [label, ...rest] } as RootContent;
  }
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
  let afterImage = false;
  for (const raw of nodes) {
    // Image attributes some docs sites append (`![Diagram](url)[border=false]`) are not text.
    const node: PhrasingContent = afterImage && raw.type === 'text' ? { ...raw, value: raw.value.replace(/^\[[\w-]+=[^\]\n]*\]/, '') } : raw;
    afterImage = raw.type === 'image' || raw.type === 'imageReference';
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

function withoutImages(nodes: PhrasingContent[]): PhrasingContent[] {
  return nodes.flatMap((node): PhrasingContent[] => {
    if (node.type === 'image' || node.type === 'imageReference') return [];
    if ('children' in node && Array.isArray(node.children)) return [{ ...node, children: withoutImages(node.children as PhrasingContent[]) } as PhrasingContent];
    return [node];
  });
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

function splitSections(blocks: RootContent[], docId: string, title: string, slug: (text: string) => string, url: string): Section[] {
  const sections: Section[] = [];
  const stack: Array<{ depth: number; text: string }> = [];
  let current: Section = { docId, title, heading: [], anchor: '', level: 0, text: '' };
  let body: RootContent[] = [];
  let titleHeadingSeen = false;
  const flush = () => {
    const sectionUrl = current.anchor ? `${url}#${current.anchor}` : url;
    current.text = toMarkdown(body.map((block) => withPlaceholders(block, sectionUrl)));
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

/** Replaces missing-code-sample markers (at any depth) by their one-line placeholder. */
function withPlaceholders(node: RootContent, sectionUrl: string): RootContent {
  const sample = (node.data as { codeSample?: MissingCodeSample } | undefined)?.codeSample;
  if (sample) {
    const variants = sample.variants.length ? ` (${sample.variants.join(', ')})` : '';
    const name: PhrasingContent = sample.isFile ? { type: 'inlineCode', value: sample.name } : { type: 'text', value: `"${sample.name}"` };
    return {
      type: 'paragraph',
      children: [
        {
          type: 'emphasis',
          children: [
            { type: 'text', value: 'Code sample ' },
            name,
            { type: 'text', value: `${variants} is not included in the offline docs: see ` },
            { type: 'link', url: sectionUrl, children: [{ type: 'text', value: sectionUrl }] },
          ],
        },
      ],
    };
  }
  if ('children' in node && Array.isArray(node.children) && node.type !== 'paragraph') {
    return { ...(node as Parent), children: (node.children as RootContent[]).map((c) => withPlaceholders(c, sectionUrl)) } as RootContent;
  }
  return node;
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
