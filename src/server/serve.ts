import { ReloadingEngine } from '../core/reloading-engine.js';
import { readManifest } from '../store/load.js';
import { aboutIndex } from '../core/about.js';
import { createServer } from './create-server.js';
import type { EarlyStdio } from './early-initialize.js';
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
  /** Over stdio: the entry's early reader of stdin (see early-initialize.ts), handed over to the transport. */
  early?: EarlyStdio;
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
  // The manifest alone says whether there is an index this program can serve: a missing or foreign
  // index is refused before anything is served.
  const m = readManifest(options.indexDir);
  // The rest loads while the server already answers initialize and tools/list; tool calls wait for it.
  const opening = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
    ReloadingEngine.open(options.indexDir, { modelsDir: options.modelsDir, allowRemote: options.allowRemote, log, verifyAfterMs: VERIFY_AFTER_MS }),
  );
  let live: ReloadingEngine | undefined;
  const loaded = opening.then(
    (engine) => {
      live = engine;
      return undefined;
    },
    (error: Error) => error,
  );
  // The tools' words come from the manifest: known before the rest of the index has loaded.
  const deps = { engine: () => (live ? live.current() : opening.then((engine) => engine.current())), about: aboutIndex(m) };
  if (options.http) {
    const { startHttpServer } = await import('./http.js');
    const running = await startHttpServer(deps, { host: options.host, port: options.port, token: security?.token, insecure: options.insecure, allowedHosts: options.allowedHosts, log });
    const failure = await loaded;
    if (failure) {
      await running.close();
      throw failure;
    }
    log(`workos-docs-mcp: ${m.counts.chunks} chunks from ${m.counts.docs} docs; MCP over HTTP at ${running.url}${security?.token ? ' (bearer token required)' : ''}`);
    if (security?.warning) log(`warning: ${security.warning}`);
    return undefined;
  }
  // stdio can carry a notification at any time, so this server announces reloads (HTTP is stateless).
  const onReload = (listener: () => void) => {
    let stop: (() => void) | undefined;
    let stopped = false;
    opening.then((engine) => (stopped ? undefined : (stop = engine.onReload(listener))), () => undefined);
    return () => {
      stopped = true;
      stop?.();
    };
  };
  const server = createServer({ ...deps, onReload });
  const transport = new LineStdioTransport(process.stdin, process.stdout, {}, options.early?.handOver());
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  transport.onerror = (error) => log(`stdio: ${error.message}`);
  await server.connect(transport);
  log(`workos-docs-mcp: ${m.counts.chunks} chunks from ${m.counts.docs} docs; MCP over stdio`);
  // An index that cannot be loaded ends the server, with the reason, as it did before serving began.
  const failure = await Promise.race([loaded, closed.then(() => loaded)]);
  if (failure) {
    await transport.close();
    throw failure;
  }
  await closed;
  return 0;
}

/** How long after start-up the server hashes the index files against the manifest (in the background). */
const VERIFY_AFTER_MS = 2000;
