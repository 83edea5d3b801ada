import type { ChangelogEntry, SearchResult } from './types.js';

/** Plain structured markdown for a model or a person to read: shared by the MCP tools and the CLI. */
export function formatSearch(query: string, results: SearchResult[], section?: string): string {
  if (results.length === 0) {
    return [
      `No sections of the WorkOS docs match "${oneLine(query)}"${section ? ` under "${section}"` : ''}.`,
      'Try other words (product names such as AuthKit, SSO, Directory Sync; API names such as getAuthorizationUrl), drop the section filter, or browse with list_docs.',
    ].join('\n');
  }
  const parts = [`Results for "${oneLine(query)}"${section ? ` under "${section}"` : ''}:`];
  results.forEach((r, i) => {
    const crumb = [r.title, ...r.heading].join(' > ');
    parts.push(`## ${i + 1}. ${crumb}\n\npath: ${r.path}\nurl: ${r.url}\nscore: ${r.score}\n\n${r.text}`);
  });
  return parts.join('\n\n---\n\n');
}

export function formatChangelog(entries: ChangelogEntry[]): string {
  if (entries.length === 0) return 'No changelog entries match. Try a wider date range or other words.';
  return entries.map((e) => `## ${e.date}: ${e.title}\n\n${e.url}\n\n${e.text}`).join('\n\n');
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
