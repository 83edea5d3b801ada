// The baseline MCP server `npm run bench` times this project's server against: MiniSearch over
// the sections of the same docs (minisearch-sections.ts), one `search_docs { query, limit }` tool
// answering with the matching sections as markdown, over stdio with the SDK's own transport.
// It searches plain BM25, without the prefix and fuzzy matching the retrieval baseline uses: on
// natural questions those make each search 5-8 times slower, and a latency baseline should be
// the fastest configuration, not a strawman.
// Usage: node dist/scripts/minisearch-server.js [--index DIR]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { CODECS } from '../src/store/format/codecs.js';
import { resolveIndexFolder } from '../src/store/index-dir.js';
import { flag } from './args.js';
import { miniSearchOver, sectionsOf } from './minisearch-sections.js';

const folder = resolveIndexFolder(flag('--index', 'index-data')).folder;
const { docs } = CODECS.docs.decode(readFileSync(path.join(folder, CODECS.docs.file)), undefined);
const sections = sectionsOf(docs);
const mini = miniSearchOver(sections);

const server = new McpServer({ name: 'minisearch-baseline', version: '1.0.0' });
server.registerTool(
  'search_docs',
  {
    description: 'Keyword search (MiniSearch BM25) over the sections of the docs.',
    inputSchema: { query: z.string(), limit: z.number().int().min(1).max(20).default(5) },
  },
  async ({ query, limit }) => {
    const hits = mini.search(query, { prefix: false, fuzzy: false }).slice(0, limit);
    const text = hits
      .map((hit, i) => {
        const section = sections[hit.id as number];
        return `## ${i + 1}. ${[hit.title, hit.heading].filter(Boolean).join(' > ')}\n${hit.url}\n\n${section?.text ?? ''}`;
      })
      .join('\n\n');
    return { content: [{ type: 'text', text: text || `No sections match "${query}".` }] };
  },
);
await server.connect(new StdioServerTransport());
process.stderr.write(`minisearch-baseline: ${sections.length} sections; MCP over stdio\n`);
