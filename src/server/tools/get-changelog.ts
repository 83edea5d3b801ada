import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolDeps } from '../deps.js';
import { formatChangelog } from '../../format.js';
import { clean, READ_ONLY } from '../tool-common.js';
import { fitItems } from '../budget.js';

const inputSchema = {
  query: z.string().max(2000).optional().describe('Rank entries by relevance to these words, e.g. "FGA" or "SSO sessions".'),
  since: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'since must be a date as YYYY-MM-DD, e.g. 2025-01-31')
    .optional()
    .describe('Only entries on or after this date (YYYY-MM-DD).'),
  limit: z.number().int().min(1).max(100).default(10).describe('Most entries to return (1-100, default 10).'),
};

const outputSchema = {
  entries: z.array(
    z.object({
      date: z.string().describe('YYYY-MM-DD, or empty when the entry has no date (it is then listed last).'),
      title: z.string(),
      url: z.string(),
      text: z.string(),
      source: z.string().optional().describe("Where the entry comes from: a docs source's name, or a package's name for the versions of its CHANGELOG.md."),
    }),
  ),
};

export function registerGetChangelogTool(server: McpServer, deps: ToolDeps): string {
  const name = 'get_changelog';
  server.registerTool(
    name,
    {
      title: `Read the ${deps.about.name ? `${deps.about.name} ` : ''}changelog`,
      description: `Changelog entries of ${deps.about.docs} and of the packages indexed beside them that ship a CHANGELOG.md (date, title, URL, text, source), newest first, undated entries last${deps.about.changelogEntries ? '' : ' (this index has none)'}; optionally only since a date and only those relevant to a query. Use it for "what changed" or "is X new" questions.`,
      inputSchema,
      outputSchema,
      annotations: { title: `Read the ${deps.about.name ? `${deps.about.name} ` : ''}changelog`, ...READ_ONLY },
    },
    async ({ query, since, limit }) => {
      const found = (await deps.engine()).changelog.find({ query: query ? clean(query) : undefined, since, limit });
      const entries = found.map(({ date, title, url, text, source }) => ({ date, title, url, text, ...(source ? { source } : {}) }));
      return fitItems(entries, {
        render: (forText, forStructured, omitted) => ({
          content: [{ type: 'text', text: formatChangelog(forText) + (omitted ? `\n\n[${omitted} more entries left out to stay within the result size; narrow with since, query or a lower limit]` : '') }],
          structuredContent: { entries: forStructured },
        }),
        textNote: (e) => `[truncated: the full entry is at ${e.url}]`,
      });
    },
  );
  return name;
}
