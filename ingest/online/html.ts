import type { Element, ElementContent, Root, RootContent } from 'hast';
import rehypeParse from 'rehype-parse';
import rehypeRemark from 'rehype-remark';
import remarkGfm from 'remark-gfm';
import remarkStringify from 'remark-stringify';
import { unified } from 'unified';

/** Never content. */
const NOT_CONTENT = new Set(['script', 'style', 'noscript', 'template', 'svg', 'button', 'form', 'iframe', 'nav']);
/** Page chrome around the content; inside `<main>` or `<article>` a `<header>` holds the page's own title. */
const CHROME = new Set([...NOT_CONTENT, 'header', 'footer', 'aside']);

/**
 * A web page as Markdown, for a site whose pages have no `.md` variant, and for the HTML of feed
 * entries: its `<main>` (else `<article>`, else `<body>`) without navigation, scripts or forms,
 * through rehype and remark (headings, lists, tables and code blocks kept). A page without a
 * heading of its own gets its `<title>` as one.
 */
export function htmlToMarkdown(html: string, options: { page?: boolean; url?: string } = {}): string {
  const processor = unified()
    .use(rehypeParse, { fragment: !options.page })
    .use(() => (tree: Root) => absolute(options.page ? mainContent(tree) : without(tree, CHROME), options.url))
    .use(rehypeRemark)
    .use(remarkGfm)
    .use(remarkStringify, { bullet: '-', fences: true, rule: '-' });
  return String(processor.processSync(html)).trim();
}

/** The page's main content as the whole tree, with its title as a heading when it has none. */
function mainContent(tree: Root): Root {
  const title = textOf(find(tree, (e) => e.tagName === 'title'));
  const main = find(tree, (e) => e.tagName === 'main') ?? find(tree, (e) => e.tagName === 'article');
  const content = main ? without({ type: 'root', children: main.children }, NOT_CONTENT) : without({ type: 'root', children: (find(tree, (e) => e.tagName === 'body') ?? tree).children }, CHROME);
  const hasHeading = Boolean(find(content, (e) => e.tagName === 'h1'));
  if (title && !hasHeading) {
    const heading: Element = { type: 'element', tagName: 'h1', properties: {}, children: [{ type: 'text', value: title }] };
    content.children.unshift(heading);
  }
  return content;
}

function without<T extends Root | Element>(node: T, tags: Set<string>): T {
  const keep = (child: RootContent | ElementContent): boolean => child.type !== 'comment' && !(child.type === 'element' && tags.has(child.tagName));
  const children = (node.children as Array<RootContent | ElementContent>).filter(keep).map((child) => (child.type === 'element' ? without(child, tags) : child));
  return { ...node, children } as T;
}

/** Links and images resolved against the page's URL, as the browser would (`next`, `../overview`). */
function absolute<T extends Root | Element>(node: T, base: string | undefined): T {
  if (!base) return node;
  for (const child of node.children) {
    if (child.type !== 'element') continue;
    for (const name of ['href', 'src'] as const) {
      const value = child.properties[name];
      if (typeof value === 'string' && value && !value.startsWith('#')) {
        try {
          child.properties[name] = new URL(value, base).href;
        } catch {
          // Not a URL: left as it is.
        }
      }
    }
    absolute(child, base);
  }
  return node;
}

function find(node: Root | Element, test: (element: Element) => boolean): Element | undefined {
  for (const child of node.children) {
    if (child.type !== 'element') continue;
    if (test(child)) return child;
    const inner = find(child, test);
    if (inner) return inner;
  }
  return undefined;
}

function textOf(node: Element | undefined): string {
  if (!node) return '';
  return node.children
    .map((child) => (child.type === 'text' ? child.value : child.type === 'element' ? textOf(child) : ''))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}
