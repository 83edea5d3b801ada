import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolDeps } from '../deps.js';
import { topicList } from '../../core/about.js';
import { formatSearch, thousands } from '../../format.js';
import { clean, READ_ONLY } from '../tool-common.js';
import { fitItems } from '../budget.js';
import type { SearchResult } from '../../types.js';
import { compactPlaceholders } from '../../text/embedding-text.js';
import { previewOf } from '../../text/preview.js';

/** Results given whole by default; later ones, less likely to be read, come as previews. */
export const WHOLE_RESULTS = 5;

const inputSchema = {
  query: z
    .string()
    .max(2000, 'query is too long: ask in at most 2,000 characters')
    .describe('A natural-language question or keywords, e.g. "how do I test SSO without a real IdP" or "getAuthorizationUrl provider_scopes".'),
  limit: z.number().int().min(1).max(20).default(5).describe('How many sections to return (1-20, default 5).'),
  detail: z
    .enum(['auto', 'full'])
    .default('auto')
    .describe(`"auto" (default): the first ${WHOLE_RESULTS} results whole, any after them as a preview (their first prose and which code they hold) to open with get_doc; "full": every result whole.`),
};

/**
 * The section filter, described with the index's own changelog prefix: changes are pages under
 * it, so the filter that works by id prefix finds them alone or leaves them out.
 */
function sectionSchema(changelogPrefix: string | undefined) {
  const changes = changelogPrefix
    ? ` Changelog entries (dated changes, including SDK package releases) are pages under "${changelogPrefix}", searched when the question asks what changed, was released or deprecated: "${changelogPrefix}" searches only them, "!${changelogPrefix}" leaves them out.`
    : '';
  return z
    .string()
    .max(200)
    .optional()
    .describe(
      `Only search docs under this id prefix, e.g. "sso", "authkit", "reference/authkit", "integrations"; or, starting with "!", all docs except those under it (e.g. "!sdk" for the docs without the SDK sources).${changes}`,
    );
}

/**
 * The structured copy carries each result's fields but not its text: the text block, which is what
 * agents read, has every section's text once. Sending it twice doubled every answer (about 20,000
 * characters at limit 10) for no new information.
 */
const outputSchema = {
  query: z.string(),
  results: z.array(
    z.object({
      path: z.string().describe('Doc id; pass it to get_doc.'),
      url: z.string(),
      title: z.string(),
      heading: z.array(z.string()),
      score: z.number(),
    }),
  ),
};

export function registerSearchDocsTool(server: McpServer, deps: ToolDeps): string {
  const name = 'search_docs';
  server.registerTool(
    name,
    {
      title: `Search ${deps.about.docs}`,
      description:
        `Find the sections of ${deps.about.docs} that answer a question${topicList(deps.about)}. ` +
        'Semantic and keyword search combined: works for natural questions and exact identifiers (method names, event names, error codes, parameters). ' +
        `Returns each section with its doc id (path), URL, heading breadcrumb and text; results after the ${WHOLE_RESULTS}th come as previews unless detail is "full". Use get_doc with a returned path to read the whole page.`,
      inputSchema: { ...inputSchema, section: sectionSchema(deps.about.changelogPrefix) },
      outputSchema,
      annotations: { title: `Search ${deps.about.docs}`, ...READ_ONLY },
    },
    async ({ query, limit, section, detail }) => {
      const text = clean(query).trim();
      if (!text) throw new Error('query is empty: pass a question or keywords, e.g. "rotate SSO signing certificate".');
      const engine = await deps.engine();
      const found = await engine.retriever.search(text, { limit, section: section ? clean(section) : undefined });
      const results = found.map((r, i) => {
        const text = compactPlaceholders(r.text, r.url);
        if (detail === 'full' || i < WHOLE_RESULTS) return { ...r, text };
        const preview = previewText(text, r);
        // A preview already points at get_doc; the page's other matching sections are left to it.
        return preview === text ? { ...r, text } : { ...r, more: undefined, text: preview };
      });
      return fitItems(results, {
        render: (forText, forStructured, omitted) => ({
          content: [{ type: 'text', text: formatSearch(text, forText, section, undefined, deps.about) + omittedNote(omitted) }],
          structuredContent: { query: text, results: forStructured.map(({ path, url, title, heading, score }) => ({ path, url, title, heading, score: Number(score.toPrecision(4)) })) },
        }),
        textNote: (r) => `[truncated: read the full section with ${readCall(r)}]`,
      });
    },
  );
  return name;
}

/** A later result's preview, with what it leaves out and where to read it. */
function previewText(text: string, result: SearchResult): string {
  const preview = previewOf(text);
  if (preview.left === 0) return text;
  const code = preview.code.length ? ` with code (${preview.code.join(', ')})` : '';
  return `${preview.text}\n\n[${thousands(preview.left)} more characters${code}: ${readCall(result)}]`;
}

function readCall(result: SearchResult): string {
  return `get_doc path="${result.path}"${result.anchor ? ` section="${result.anchor}"` : ''}`;
}

function omittedNote(omitted: number): string {
  return omitted ? `\n\n[${omitted} more results left out to stay within the result size; ask for a lower limit or narrow with section]` : '';
}
