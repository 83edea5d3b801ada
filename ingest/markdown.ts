import { remark } from 'remark';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkMdx from 'remark-mdx';
import type { Root, RootContent } from 'mdast';

/**
 * The one place remark is configured. MDX files get remark-mdx; plain `.md` files do not,
 * because MDX rejects ordinary markdown such as `<br>` or `{`.
 */
const mdxProcessor = remark().use(remarkFrontmatter, ['yaml']).use(remarkGfm).use(remarkMdx);
const mdProcessor = remark().use(remarkFrontmatter, ['yaml']).use(remarkGfm);
const stringifier = remark()
  // Tables unaligned: padding cells to line up columns cost up to ten times the content (error-code
  // tables of 1,205 characters held 113–231 of text) in every chunk, result and embedding.
  .use(remarkGfm, { tablePipeAlign: false })
  .data('settings', {
    bullet: '-',
    emphasis: '_',
    strong: '*',
    fences: true,
    rule: '-',
    listItemIndent: 'one',
    incrementListMarker: true,
  });

/** A YAML frontmatter block at the very start of a file: group 1 is its text. */
export const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

export function parseMarkdown(source: string, isMdx: boolean): Root {
  return (isMdx ? mdxProcessor : mdProcessor).parse(source);
}

export function toMarkdown(nodes: RootContent[]): string {
  if (nodes.length === 0) return '';
  return unescapeDefinitions(stringifier.stringify({ type: 'root', children: nodes }).trim());
}

/** Definition lists (`term` / `: definition`) are plain paragraphs; keep their colon unescaped. */
function unescapeDefinitions(markdown: string): string {
  // Removed MDX expressions can leave a trailing space, which remark would encode as `&#x20;`.
  return markdown.replace(/^\\:/gm, ':').replace(/(?:&#x20;)+$/gm, '').replace(/[ \t]+$/gm, '');
}
