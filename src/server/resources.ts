import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerDeps } from './create-server.js';
import { encodeDocPath } from '../ids.js';

/** Every doc as a resource `docs://{id}` (ids contain slashes, hence the reserved expansion). */
export function registerDocResources(server: McpServer, deps: ServerDeps): void {
  const template = new ResourceTemplate('docs://{+path}', {
    list: async () => ({
      resources: deps.engine().docs.docs.map((d) => ({
        uri: `docs://${encodeDocPath(d.id)}`,
        name: d.id || 'index',
        title: d.title,
        description: d.description || undefined,
        mimeType: 'text/markdown',
      })),
    }),
  });
  server.registerResource(
    'doc',
    template,
    { title: 'WorkOS doc', description: 'A page of the WorkOS docs as markdown, by doc id.', mimeType: 'text/markdown' },
    async (uri, variables) => {
      const raw = Array.isArray(variables.path) ? variables.path.join('/') : String(variables.path ?? '');
      const page = deps.engine().docs.read(raw);
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: page.markdown }] };
    },
  );
}
