import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolDeps } from '../deps.js';
import { describeSources, sourcesLine, topicList } from '../../core/about.js';
import type { SourceRecord } from '../../store/format/manifest.js';
import type { NavNode } from '../../types.js';
import { clean, navEntrySchema, READ_ONLY } from '../tool-common.js';
import { RESULT_BUDGET, resultSize, type ToolResultShape } from '../budget.js';

const inputSchema = {
  prefix: z.string().max(200).optional().describe('Only the part of the tree under this doc id prefix, e.g. "sso", "authkit", "reference/authkit". Omit for the top of the whole tree.'),
};

const outputSchema = {
  prefix: z.string().nullable(),
  entries: z.array(navEntrySchema).describe('The docs tree in navigation order, flattened: depth 0 is a product area.'),
  truncated: z.boolean(),
  sources: z
    .array(z.object({ name: z.string(), version: z.string().nullable(), package: z.string().nullable(), prefix: z.string(), url: z.string() }))
    .optional()
    .describe('What the index holds (without a prefix only): each source with its version and the id prefix of its docs.'),
};

export function registerListDocsTool(server: McpServer, deps: ToolDeps): string {
  const name = 'list_docs';
  server.registerTool(
    name,
    {
      title: `Browse ${deps.about.docs} tree`,
      description:
        `List doc ids and titles of ${deps.about.docs} in navigation order, optionally under a prefix${deps.about.browse.length ? ` (e.g. ${deps.about.browse.slice(0, 3).map((p) => `"${p}"`).join(', ')})` : ''}. ` +
        `Without a prefix it lists the top-level sections${topicList(deps.about)} and their pages${deps.about.sources.length > 1 ? ', and the sources with their versions' : ''}. Use it to discover what exists, then get_doc to read.`,
      inputSchema,
      outputSchema,
      annotations: { title: `Browse ${deps.about.docs} tree`, ...READ_ONLY },
    },
    async ({ prefix }) => {
      const p = prefix ? clean(prefix).trim() : '';
      const all = flatten((await deps.engine()).docs.list(p));
      if (all.length === 0) {
        const text = `No docs under "${p}". Call list_docs without a prefix to see the top-level sections.`;
        return { content: [{ type: 'text', text }], structuredContent: { prefix: p || null, entries: [], truncated: false } };
      }
      const sources = p ? undefined : deps.about.sources;
      return fitTree(all, (entries, depth) => render(p, entries, depth === undefined ? '' : truncatedNote(depth), sources));
    },
  );
  return name;
}

type Entry = z.infer<typeof navEntrySchema>;

function truncatedNote(depth: number): string {
  return `[truncated: the tree is too long for one result, so it is shown to depth ${depth}; pass a prefix such as one of the ids above to see deeper entries]`;
}

function render(prefix: string, entries: Entry[], note: string, sources?: SourceRecord[]): ToolResultShape {
  const lines = entries.map((e) => `${'  '.repeat(e.depth)}- ${e.title}${e.path !== null ? ` (${e.path || '/'})` : ''}`);
  const head = sources ? `${sourcesLine(sources)}\n\n` : '';
  return {
    content: [{ type: 'text', text: `${head}${lines.join('\n')}${note ? `\n\n${note}` : ''}` }],
    structuredContent: { prefix: prefix || null, entries, truncated: note !== '', ...(sources ? { sources: describeSources(sources) } : {}) },
  };
}

function flatten(nodes: NavNode[], depth = 0, out: Entry[] = []): Entry[] {
  for (const node of nodes) {
    out.push({ path: node.id ?? null, title: node.title, depth });
    flatten(node.children, depth + 1, out);
  }
  return out;
}

/**
 * The whole tree when it fits; otherwise the deepest levels that fit whole (so every branch shows,
 * in navigation order, with no holes); if even the top level does not fit, its first entries.
 */
function fitTree(all: Entry[], render: (entries: Entry[], depth?: number) => ToolResultShape): ToolResultShape {
  const whole = render(all);
  if (resultSize(whole) <= RESULT_BUDGET) return whole;
  const deepest = Math.max(...all.map((e) => e.depth));
  for (let depth = deepest - 1; depth >= 0; depth--) {
    const shallow = render(
      all.filter((e) => e.depth <= depth),
      depth,
    );
    if (resultSize(shallow) <= RESULT_BUDGET) return shallow;
  }
  const top = all.filter((e) => e.depth === 0);
  let lo = 0;
  let hi = top.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (resultSize(render(top.slice(0, mid), 0)) <= RESULT_BUDGET) lo = mid;
    else hi = mid - 1;
  }
  return render(top.slice(0, lo), 0);
}
