import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createServer, type ServerDeps } from './create-server.js';
import { checkHttpSecurity, isLoopback } from './http-security.js';

/**
 * Streamable HTTP transport, stateless: each POST gets an MCP server of its own over the shared
 * engine (one reused from an earlier request when one is idle).
 * Guards, in order: path, method, Host (DNS rebinding), Origin (browsers), bearer token (when
 * configured), body size, JSON well-formedness. Binds to loopback unless told otherwise; refuses
 * (throws HttpSecurityError) to serve another address without a token unless `insecure` is set.
 */
export interface HttpOptions {
  host: string;
  port: number;
  /** When set, every request must carry `Authorization: Bearer <token>`. Must not be blank. */
  token?: string;
  /** Serve a non-loopback address without a token. */
  insecure?: boolean;
  /** Extra Host names accepted besides the bind address (e.g. behind a proxy). */
  allowedHosts?: string[];
  /** Extra Origins accepted besides loopback ones. */
  allowedOrigins?: string[];
  maxBodyBytes?: number;
  log?: (line: string) => void;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer(deps: ServerDeps, options: HttpOptions): Promise<RunningHttpServer> {
  const log = options.log ?? (() => {});
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const security = checkHttpSecurity(options);
  const tokenHash = security.token ? digest(security.token) : undefined;
  let port = options.port;
  // Servers whose request is done, closed and ready to connect to the next one: building one
  // (registering the tools and their schemas) cost about as much as answering a search, and 50
  // clients connecting at once queued 100 such builds ahead of their first calls.
  const idle: McpServer[] = [];
  const http: Server = createHttpServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`http: ${(error as Error).message}`);
      if (!res.headersSent) reply(res, 500, jsonRpcError(-32603, 'Internal error'));
      else res.end();
    });
  });

  const hostAllowed = (header: string | undefined) => {
    if (!header) return false;
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(header.trim().toLowerCase());
    if (!match) return false;
    const [, name = '', p] = match;
    if (p !== undefined && Number(p) !== port) return false;
    return security.hosts.has(name);
  };
  const originAllowed = (origin: string | undefined) => {
    if (origin === undefined) return true;
    if ((options.allowedOrigins ?? []).includes(origin)) return true;
    try {
      const url = new URL(origin);
      return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopback(url.hostname);
    } catch {
      return false;
    }
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/mcp') return reply(res, 404, jsonRpcError(-32000, 'Not found: the MCP endpoint is /mcp'));
    if (!hostAllowed(req.headers.host)) return reply(res, 403, jsonRpcError(-32000, `Forbidden: Host "${req.headers.host ?? ''}" is not allowed`));
    if (!originAllowed(req.headers.origin)) return reply(res, 403, jsonRpcError(-32000, `Forbidden: Origin "${req.headers.origin}" is not allowed`));
    if (tokenHash && !tokenMatches(req.headers.authorization, tokenHash)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return reply(res, 401, jsonRpcError(-32001, 'Unauthorized: send Authorization: Bearer <token>'));
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return reply(res, 405, jsonRpcError(-32000, 'Method not allowed: this stateless server accepts POST only'));
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBody) return reply(res, 413, jsonRpcError(-32000, `Payload too large: at most ${maxBody} bytes`), true);
    const body = await readBody(req, maxBody);
    if (body === undefined) return reply(res, 413, jsonRpcError(-32000, `Payload too large: at most ${maxBody} bytes`), true);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return reply(res, 400, jsonRpcError(-32700, 'Parse error: the body is not valid JSON'));
    }
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    if (!hasRequest(parsed)) {
      // Notifications (notifications/initialized after each connect) change nothing on a stateless
      // server: the transport checks the headers and answers 202 without a server behind it.
      res.on('close', () => void transport.close());
      await transport.handleRequest(req, res, parsed);
      return;
    }
    const server = idle.pop() ?? createServer(deps);
    res.on('close', () => {
      void transport.close();
      void server.close().then(() => {
        if (idle.length < MAX_IDLE_SERVERS) idle.push(server);
      });
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, parsed);
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${hostForUrl}:${port}/mcp`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

/** Idle servers kept for reuse at most; a burst beyond this builds servers that are then dropped. */
const MAX_IDLE_SERVERS = 64;

/** Whether a JSON-RPC body (one message or a batch) holds a request, i.e. anything with an id and a method. */
function hasRequest(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body];
  return messages.some((m) => typeof m !== 'object' || m === null || !('method' in m) || 'id' in m);
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) over = true;
      else parts.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown, closeConnection = false): void {
  if (closeConnection) res.setHeader('Connection', 'close');
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function jsonRpcError(code: number, message: string): unknown {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function tokenMatches(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  return timingSafeEqual(digest(match[1].trim()), expected);
}
