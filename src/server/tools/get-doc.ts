import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerDeps } from '../create-server.js';
import { clean, docLinkSchema, READ_ONLY } from '../schemas.js';

const inputSchema = {
  path: z
    .string()
    .min(1, 'path is empty: pass a doc id such as "sso/test-sso"')
    .max(500)
    .describe('Doc id from search_docs or list_docs, e.g. "sso/test-sso" or "reference/sso/get-authorization-url". A leading slash, ".mdx", "/index" or a full docs URL (with #anchor) also work.'),
  section: z.string().max(300).optional().describe('Return only this section: its anchor (e.g. "getting-started") as listed in `sections`.'),
  page: z.number().int().min(1).max(10_000).optional().describe('Page of a long doc (1-based); the result says how many pages there are.'),
};

const outputSchema = {
  path: z.string(),
  url: z.string(),
  title: z.string(),
  description: z.string(),
  markdown: z.string(),
  sections: z.array(z.object({ heading: z.array(z.string()), anchor: z.string() })),
  related: z.object({ parent: docLinkSchema.nullable(), siblings: z.array(docLinkSchema), children: z.array(docLinkSchema) }),
  page: z.number().int(),
  pages: z.number().int(),
};

export function registerGetDocTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'get_doc',
    {
      title: 'Read a WorkOS doc',
      description:
        'Read one page of the WorkOS docs as clean markdown: the whole doc, or one section by anchor. Long docs are paged (see `page`/`pages`). ' +
        'Also returns the section list and related docs (parent, siblings, children). An unknown path returns the closest ids.',
      inputSchema,
      outputSchema,
      annotations: { title: 'Read a WorkOS doc', ...READ_ONLY },
    },
    async ({ path, section, page }) => {
      const docs = deps.engine().docs;
      const result = docs.read(clean(path), { section: section ? clean(section) : undefined, page });
      const { doc } = result;
      const structured = {
        path: doc.id,
        url: docs.url(doc.id, result.anchor),
        title: doc.title,
        description: doc.description,
        markdown: result.markdown,
        sections: doc.sections.filter((s) => s.anchor).map((s) => ({ heading: s.heading, anchor: s.anchor })),
        related: docs.related(doc.id),
        page: result.page,
        pages: result.pages,
      };
      const footer = [
        `path: ${doc.id}`,
        `url: ${structured.url}`,
        result.pages > 1 ? `page ${result.page} of ${result.pages} (pass page to read more)` : '',
        structured.related.parent ? `parent: ${structured.related.parent.path}` : '',
        structured.related.children.length ? `children: ${structured.related.children.map((c) => c.path).join(', ')}` : '',
      ].filter(Boolean);
      return {
        content: [{ type: 'text', text: `${result.markdown}\n---\n${footer.join('\n')}` }],
        structuredContent: structured,
      };
    },
  );
}
