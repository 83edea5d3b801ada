import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { LiveEngine } from '../core/live-engine.js';
import { createServer } from './create-server.js';

export interface ServeOptions {
  indexDir: string;
  modelsDir: string;
  allowRemote: boolean;
  http: boolean;
  host: string;
  port: number;
  token?: string;
}

/**
 * Loads the index once and serves it over stdio (default) or Streamable HTTP. Resolves when the
 * client disconnects (stdio) or never (HTTP, until the process is stopped). Logs go to `log`
 * (stderr): in stdio mode stdout is the protocol.
 */
export async function serveCommand(options: ServeOptions, log: (line: string) => void): Promise<number | undefined> {
  const live = await LiveEngine.open(options.indexDir, { modelsDir: options.modelsDir, allowRemote: options.allowRemote, log });
  const m = live.current().index.manifest;
  const deps = { engine: () => live.current() };
  if (options.http) {
    const running = await (await import('./http.js')).startHttpServer(deps, { host: options.host, port: options.port, token: options.token, log });
    log(`workos-docs-mcp: ${m.counts.chunks} chunks from ${m.counts.docs} docs; MCP over HTTP at ${running.url}${options.token ? ' (bearer token required)' : ''}`);
    if (!LOOPBACK_HOSTS.has(options.host)) log('warning: bound to a non-loopback address; set WORKOS_DOCS_MCP_TOKEN so that only clients with the token are served');
    return undefined;
  }
  // stdio can carry a notification at any time, so this server announces reloads (HTTP is stateless).
  const server = createServer({ ...deps, onReload: (listener) => live.onReload(listener) });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  log(`workos-docs-mcp: ${m.counts.chunks} chunks from ${m.counts.docs} docs; MCP over stdio`);
  await closed;
  return 0;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);
