import type { ChangelogEntry, NavNode, SearchResult } from './types.js';

/**
 * Plain structured markdown for a model or a person to read: shared by the MCP tools and the CLI.
 * `browse` names the way to browse doc ids for whoever reads it (the list_docs tool, or the CLI's `list`).
 */
export function formatSearch(query: string, results: SearchResult[], section?: string, browse = 'browse with list_docs'): string {
  if (results.length === 0) {
    return [
      `No sections of the WorkOS docs match "${oneLine(query)}"${section ? ` under "${section}"` : ''}.`,
      `Try other words (product names such as AuthKit, SSO, Directory Sync; API names such as getAuthorizationUrl), drop the section filter, or ${browse}.`,
    ].join('\n');
  }
  const parts = [`Results for "${oneLine(query)}"${section ? ` under "${section}"` : ''}:`];
  results.forEach((r, i) => {
    const crumb = [r.title, ...r.heading].join(' > ');
    parts.push(`## ${i + 1}. ${crumb}\n\npath: ${r.path}\nurl: ${r.url}\nscore: ${r.score}\n\n${r.text}`);
  });
  return parts.join('\n\n---\n\n');
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
  return entries.map((e) => `## ${e.date}: ${e.title}\n\n${e.url}\n\n${e.text}`).join('\n\n');
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
