import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerDeps } from '../create-server.js';
import { formatSearch } from '../../format.js';
import { clean, READ_ONLY, RESULT_BUDGET } from '../schemas.js';
import type { SearchResult } from '../../types.js';

const inputSchema = {
  query: z
    .string()
    .max(2000, 'query is too long: ask in at most 2,000 characters')
    .describe('A natural-language question or keywords, e.g. "how do I test SSO without a real IdP" or "getAuthorizationUrl provider_scopes".'),
  limit: z.number().int().min(1).max(20).default(5).describe('How many sections to return (1-20, default 5).'),
  section: z
    .string()
    .max(200)
    .optional()
    .describe('Only search docs under this id prefix, e.g. "sso", "authkit", "reference/authkit", "integrations".'),
};

const outputSchema = {
  query: z.string(),
  results: z.array(
    z.object({
      path: z.string().describe('Doc id; pass it to get_doc.'),
      url: z.string(),
      title: z.string(),
      heading: z.array(z.string()),
      score: z.number(),
      text: z.string(),
    }),
  ),
};

export function registerSearchDocsTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'search_docs',
    {
      title: 'Search the WorkOS docs',
      description:
        'Find the sections of the WorkOS developer docs that answer a question (AuthKit, SSO, Directory Sync, RBAC/FGA, Audit Logs, Vault, Radar, Widgets, the API reference, SDK methods, error codes, events, identity-provider integrations). ' +
        'Semantic and keyword search combined: works for natural questions and exact identifiers (method names, event names, error codes, parameters). ' +
        'Returns each section with its doc id (path), URL, heading breadcrumb and text. Use get_doc with a returned path to read the whole page.',
      inputSchema,
      outputSchema,
      annotations: { title: 'Search the WorkOS docs', ...READ_ONLY },
    },
    async ({ query, limit, section }) => {
      const text = clean(query).trim();
      if (!text) throw new Error('query is empty: pass a question or keywords, e.g. "rotate SSO signing certificate".');
      const engine = deps.engine();
      const results = fitBudget(await engine.retriever.search(text, { limit, section: section ? clean(section) : undefined }));
      return {
        content: [{ type: 'text', text: formatSearch(text, results, section) }],
        structuredContent: { query: text, results },
      };
    },
  );
}

/** Trims the longest texts first so that all results together stay within the result budget. */
function fitBudget(results: SearchResult[]): SearchResult[] {
  const total = results.reduce((n, r) => n + r.text.length, 0);
  if (total <= RESULT_BUDGET) return results;
  const share = Math.floor(RESULT_BUDGET / results.length);
  return results.map((r) =>
    r.text.length <= share ? r : { ...r, text: `${r.text.slice(0, share).trimEnd()}\n\n[truncated: read the full section with get_doc path="${r.path}"]` },
  );
}
