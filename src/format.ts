import type { IndexAbout } from './core/about.js';
import type { CodeExample } from './core/examples.js';
import type { ChangelogEntry, NavNode, SearchResult } from './types.js';

/**
 * Plain structured markdown for a model or a person to read: shared by the MCP tools and the CLI.
 * `browse` names the way to browse doc ids for whoever reads it (the list_docs tool, or the CLI's `list`).
 */
export function formatSearch(
  query: string,
  results: SearchResult[],
  section?: string,
  browse = 'browse with list_docs',
  about: Pick<IndexAbout, 'docs' | 'topics'> = { docs: 'the docs', topics: [] },
): string {
  if (results.length === 0) {
    const examples = about.topics.slice(0, 3).join(', ');
    return [
      `No sections of ${about.docs} match "${oneLine(query)}"${section ? ` under "${section}"` : ''}.`,
      `Try other words (${examples ? `section names such as ${examples}, ` : ''}or exact identifiers such as method, event or error names), drop the section filter, or ${browse}.`,
    ].join('\n');
  }
  // Each result: its breadcrumb, its URL (which names the doc: get_doc takes it as a path), its text.
  // Path and score are left to the structured copy: one line each, ten times, for little to read;
  // the path is shown when the URL does not hold it (an SDK page's URL is its package's npm page).
  const parts = [`Results for "${oneLine(query)}"${section ? ` under "${section}"` : ''}:`];
  results.forEach((r, i) => {
    const crumb = [r.title, ...r.heading].join(' > ');
    const path = r.url.includes(r.path) ? '' : `\npath: ${r.path}`;
    parts.push(`## ${i + 1}. ${crumb}\n${r.url}${path}\n\n${r.text}${moreLine(r)}`);
  });
  return parts.join('\n\n');
}

/** The other matching sections of a result's page, each with the `section` get_doc reads it by. */
function moreLine(r: SearchResult): string {
  if (!r.more?.length) return '';
  const named = r.more.map((m) => `${m.heading.at(-1) ?? r.title}${m.anchor ? ` (section="${m.anchor}")` : ''}`);
  return `\n\nAlso matching on this page (get_doc): ${named.join(' · ')}`;
}

/**
 * 12,345: a number with thousands separators. Not toLocaleString, whose first call loads ICU's
 * number formats (17 ms of a server's first search).
 */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The docs tree flattened in navigation order: depth 0 is a product area. */
export function navEntries(tree: NavNode[]): Array<{ path: string | null; title: string; depth: number }> {
  const out: Array<{ path: string | null; title: string; depth: number }> = [];
  const walk = (nodes: NavNode[], depth: number) => {
    for (const node of nodes) {
      out.push({ path: node.id ?? null, title: node.title, depth });
      walk(node.children, depth + 1);
    }
  };
  walk(tree, 0);
  return out;
}

/** The docs tree as an indented list, one `- Title (id)` per line, as the list_docs tool shows it. */
export function formatNavTree(tree: NavNode[]): string {
  return navEntries(tree)
    .map((e) => `${'  '.repeat(e.depth)}- ${e.title}${e.path !== null ? ` (${e.path || '/'})` : ''}`)
    .join('\n');
}

export function formatChangelog(entries: ChangelogEntry[]): string {
  if (entries.length === 0) return 'No changelog entries match. Try a wider date range or other words.';
  return entries.map((e) => `## ${e.date || 'undated'}: ${e.title}\n\n${e.url}\n\n${e.text}`).join('\n\n');
}

/** Characters of code a get_examples answer carries; the structured copy doubles it, within the 25,000 limit. */
export const EXAMPLES_BUDGET = 10_000;

/**
 * Keeps whole examples within the budget, best first: an example that does not fit is left out
 * (and counted), never cut, unless it is the first, which is cut at a line and its fence closed.
 */
export function fitExamples(found: CodeExample[], budget = EXAMPLES_BUDGET): { examples: CodeExample[]; omitted: number } {
  const examples: CodeExample[] = [];
  let used = 0;
  for (const example of found) {
    // Measured as JSON, as it goes on the wire: quotes and newlines in code take two characters.
    const size = JSON.stringify(example.code).length + JSON.stringify(example.intro).length;
    if (used + size <= budget) {
      examples.push(example);
      used += size;
    } else if (examples.length === 0) {
      const lines = example.code.slice(0, budget - example.intro.length).split('\n').slice(0, -1);
      examples.push({ ...example, code: `${lines.join('\n')}\n// … cut here: the whole block is in get_doc path="${example.path}"` });
      used = budget;
    }
  }
  return { examples, omitted: found.length - examples.length };
}

export function formatExamples(query: string, examples: CodeExample[], options: { language?: string; framework?: string; omitted?: number } = {}): string {
  const filters = [options.language ? `language ${options.language}` : '', options.framework ? `framework ${options.framework}` : ''].filter(Boolean).join(', ');
  if (examples.length === 0) {
    return [
      `No code examples match "${oneLine(query)}"${filters ? ` (${filters})` : ''}.`,
      `${filters ? 'Drop a filter, or try' : 'Try'} other words (what the code does, or an API name), or search_docs for the explanation.`,
    ].join('\n');
  }
  const parts = [`Code examples for "${oneLine(query)}"${filters ? ` (${filters})` : ''}:`];
  examples.forEach((e, i) => {
    const fence = e.code.includes('```') ? '~~~~' : '```';
    parts.push(`## ${i + 1}. ${[e.title, ...e.heading].join(' > ')}\n\nsource: ${e.source}\nurl: ${e.url}\nlanguage: ${e.language}\n\n${e.intro}\n\n${fence}${e.language === 'text' ? '' : e.language}\n${e.code}\n${fence}`);
  });
  if (options.omitted) parts.push(`${options.omitted} more example(s) left out to keep this answer short; ask for fewer or narrow the query.`);
  return parts.join('\n\n---\n\n');
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
