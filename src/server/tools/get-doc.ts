import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolDeps } from '../deps.js';
import type { Related } from '../../core/docs.js';
import { clean, docLinkSchema, READ_ONLY } from '../tool-common.js';
import { fitItems, RESULT_BUDGET } from '../budget.js';

/**
 * Markdown per page of a tool result, in characters. A page is sent in full in the text block and,
 * when there is room, again in the structured copy; this leaves room for the sections and related
 * lists and for JSON escaping, so that a page is never cut within the result budget.
 */
export const TOOL_PAGE_SIZE = 16_000;

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
  markdown: z.string().describe('This page of the doc; when the page is long it may be shortened here (marked) while the text content carries it in full.'),
  sections: z.array(z.object({ heading: z.array(z.string()), anchor: z.string() })),
  related: z.object({ parent: docLinkSchema.nullable(), siblings: z.array(docLinkSchema), children: z.array(docLinkSchema) }),
  page: z.number().int(),
  pages: z.number().int(),
};

export function registerGetDocTool(server: McpServer, deps: ToolDeps): string {
  const name = 'get_doc';
  server.registerTool(
    name,
    {
      title: `Read a page of ${deps.about.docs}`,
      description:
        `Read one page of ${deps.about.docs} as clean markdown: the whole doc, or one section by anchor. Long docs are paged (see \`page\`/\`pages\`). ` +
        'Also returns the section list and related docs (parent, siblings, children). An unknown path returns the closest ids.',
      inputSchema,
      outputSchema,
      annotations: { title: `Read a page of ${deps.about.docs}`, ...READ_ONLY },
    },
    async ({ path, section, page }) => {
      const docs = (await deps.engine()).docs;
      const result = docs.read(clean(path), { section: section ? clean(section) : undefined, page, pageSize: TOOL_PAGE_SIZE });
      const { doc } = result;
      const url = docs.url(doc.id, result.anchor);
      const sections = doc.sections.filter((s) => s.anchor).map((s) => ({ heading: s.heading, anchor: s.anchor }));
      const related = fitRelated(docs.related(doc.id));
      const footer = [
        `path: ${doc.id}`,
        `url: ${url}`,
        result.pages > 1 ? `page ${result.page} of ${result.pages} (pass page to read more)` : '',
        related.parent ? `parent: ${related.parent.path}` : '',
        related.children.length ? `children: ${related.children.map((c) => c.path).join(', ')}` : '',
      ].filter(Boolean);
      const bySection = sections[0] ? `one section at a time, e.g. get_doc path="${doc.id}" section="${sections[0].anchor}"` : 'in the docs site';
      return fitItems([{ text: result.markdown }], {
        render: ([forText], [forStructured]) => ({
          content: [{ type: 'text', text: `${forText?.text ?? ''}\n---\n${footer.join('\n')}` }],
          structuredContent: {
            path: doc.id,
            url,
            title: doc.title,
            description: doc.description,
            markdown: forStructured?.text ?? '',
            sections,
            related,
            page: result.page,
            pages: result.pages,
          },
        }),
        textNote: () => `[truncated: this page is too long for one result; read it ${bySection}: ${url}]`,
      });
    },
  );
  return name;
}

/** Keeps the related lists (up to 50 siblings and 100 children) to a sixth of the result budget, leaving room for a whole page beside them. */
function fitRelated(related: Related): Related {
  const room = RESULT_BUDGET / 6;
  const siblings = [...related.siblings];
  const children = [...related.children];
  while (JSON.stringify(siblings).length + JSON.stringify(children).length > room) {
    if (siblings.length >= children.length) siblings.pop();
    else children.pop();
  }
  return { parent: related.parent, siblings, children };
}
