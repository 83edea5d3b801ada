import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerDeps } from '../deps.js';
import { fitExamples, formatExamples } from '../../format.js';
import { clean, READ_ONLY } from '../tool-common.js';

const NAME = 'get_examples';

const inputSchema = {
  query: z
    .string()
    .max(2000, 'query is too long: ask in at most 2,000 characters')
    .describe('What the code should do, e.g. "protect routes with middleware", "verify a webhook signature", "list directory users".'),
  language: z.string().max(40).optional().describe('Only code in this language: typescript, javascript, python, ruby, go, java, php, shell, … (TypeScript and JavaScript count as one family).'),
  framework: z.string().max(40).optional().describe('Only examples for this framework or platform: nextjs, react, remix, react-router, tanstack-start, sveltekit, express, node, python, ….'),
  limit: z.number().int().min(1).max(10).default(5).describe('How many code blocks to return (1-10, default 5).'),
};

const outputSchema = {
  query: z.string(),
  examples: z.array(
    z.object({
      code: z.string(),
      language: z.string(),
      intro: z.string().describe('The sentence that introduces the code in its page.'),
      source: z.string().describe('package@version for SDK sources, else the doc id.'),
      path: z.string().describe('Doc id; pass it to get_doc for the surrounding page.'),
      url: z.string(),
    }),
  ),
};

export function registerGetExamplesTool(server: McpServer, deps: ServerDeps): string {
  server.registerTool(
    NAME,
    {
      title: 'Find code examples',
      description:
        'Code blocks from the docs that do what a question asks, each whole, with the sentence that introduces it, its language, its source and URL. ' +
        'Filter by language and framework. Use it when you need code to adapt; use search_docs for explanations.',
      inputSchema,
      outputSchema,
      annotations: { title: 'Find code examples', ...READ_ONLY },
    },
    async ({ query, language, framework, limit }) => {
      const text = clean(query).trim();
      if (!text) throw new Error('query is empty: say what the code should do, e.g. "exchange the callback code for a session".');
      const found = await (await deps.engine()).examples.find(text, { limit, language: language ? clean(language) : undefined, framework: framework ? clean(framework) : undefined });
      const { examples, omitted } = fitExamples(found);
      return {
        content: [{ type: 'text', text: formatExamples(text, examples, { language, framework, omitted }) }],
        structuredContent: { query: text, examples: examples.map(({ code, language: lang, intro, source, path, url }) => ({ code, language: lang, intro, source, path, url })) },
      };
    },
  );
  return NAME;
}
