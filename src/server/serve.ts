import { ReloadingEngine } from '../core/reloading-engine.js';
import { createServer } from './create-server.js';
import { checkHttpSecurity } from './http-security.js';
import { LineStdioTransport } from './stdio-transport.js';

export interface ServeOptions {
  indexDir: string;
  modelsDir: string;
  allowRemote: boolean;
  http: boolean;
  host: string;
  port: number;
  /** The bearer token as configured (WORKOS_DOCS_MCP_TOKEN), unchecked: undefined when not set. */
  token?: string;
  /** Serve a non-loopback address without a token. */
  insecure?: boolean;
  /** Host names accepted besides the bind address (behind a proxy, or for a wildcard bind). */
  allowedHosts?: string[];
}

/**
 * Loads the index once and serves it over stdio (default) or Streamable HTTP. Over stdio it resolves
 * with 0 once the client has closed its end and every request in progress has been answered; over
 * HTTP it resolves with undefined once listening (the process runs until stopped). Logs go to `log`
 * (stderr): in stdio mode stdout is the protocol. This and cli/main.ts are the only modules that
 * touch `process`.
 */
export async function serveCommand(options: ServeOptions, log: (line: string) => void): Promise<number | undefined> {
  // Refuse an unsafe HTTP setup before the index is loaded, so the mistake is reported at once.
  const security = options.http ? checkHttpSecurity(options) : undefined;
  const live = await ReloadingEngine.open(options.indexDir, { modelsDir: options.modelsDir, allowRemote: options.allowRemote, log });
  const m = live.current().index.manifest;
  const deps = { engine: () => live.current() };
  if (options.http) {
    const { startHttpServer } = await import('./http.js');
    const running = await startHttpServer(deps, { host: options.host, port: options.port, token: security?.token, insecure: options.insecure, allowedHosts: options.allowedHosts, log });
    log(`workos-docs-mcp: ${m.counts.chunks} chunks from ${m.counts.docs} docs; MCP over HTTP at ${running.url}${security?.token ? ' (bearer token required)' : ''}`);
    if (security?.warning) log(`warning: ${security.warning}`);
    return undefined;
  }
  // stdio can carry a notification at any time, so this server announces reloads (HTTP is stateless).
  const server = createServer({ ...deps, onReload: (listener) => live.onReload(listener) });
  const transport = new LineStdioTransport(process.stdin, process.stdout);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  transport.onerror = (error) => log(`stdio: ${error.message}`);
  await server.connect(transport);
  log(`workos-docs-mcp: ${m.counts.chunks} chunks from ${m.counts.docs} docs; MCP over stdio`);
  await closed;
  return 0;
}
