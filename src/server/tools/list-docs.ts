import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerDeps } from '../create-server.js';
import type { NavNode } from '../../types.js';
import { clean, navEntrySchema, READ_ONLY, RESULT_BUDGET } from '../schemas.js';

const inputSchema = {
  prefix: z.string().max(200).optional().describe('Only the part of the tree under this doc id prefix, e.g. "sso", "authkit", "reference/authkit". Omit for the top of the whole tree.'),
};

const outputSchema = {
  prefix: z.string().nullable(),
  entries: z.array(navEntrySchema).describe('The docs tree in navigation order, flattened: depth 0 is a product area.'),
  truncated: z.boolean(),
};

export function registerListDocsTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'list_docs',
    {
      title: 'Browse the WorkOS docs tree',
      description:
        'List doc ids and titles in the docs navigation order, optionally under a prefix (e.g. "sso", "integrations", "reference/authkit"). ' +
        'Without a prefix it lists the product areas and their pages. Use it to discover what exists, then get_doc to read.',
      inputSchema,
      outputSchema,
      annotations: { title: 'Browse the WorkOS docs tree', ...READ_ONLY },
    },
    async ({ prefix }) => {
      const p = prefix ? clean(prefix).trim() : '';
      const tree = deps.engine().docs.list(p);
      const entries: Array<z.infer<typeof navEntrySchema>> = [];
      const lines: string[] = [];
      let size = 0;
      let truncated = false;
      const walk = (nodes: NavNode[], depth: number) => {
        for (const node of nodes) {
          const line = `${'  '.repeat(depth)}- ${node.title}${node.id !== undefined ? ` (${node.id || '/'})` : ''}`;
          if (size + line.length > RESULT_BUDGET) {
            truncated = true;
            return;
          }
          size += line.length + 1;
          lines.push(line);
          entries.push({ path: node.id ?? null, title: node.title, depth });
          walk(node.children, depth + 1);
        }
      };
      walk(tree, 0);
      const text =
        entries.length === 0
          ? `No docs under "${p}". Call list_docs without a prefix to see the product areas.`
          : `${lines.join('\n')}${truncated ? '\n\n[truncated: pass a narrower prefix such as one of the ids above]' : ''}`;
      return { content: [{ type: 'text', text }], structuredContent: { prefix: p || null, entries, truncated } };
    },
  );
}
