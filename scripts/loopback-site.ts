import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One route of the fixture site: a body with its type, or a behaviour. */
export type Route =
  | { body: string; type?: string }
  | { status: number }
  | { redirect: string }
  | { slowMs: number; body: string }
  /** Sends `bytes` bytes without a Content-Length (chunked), so only a running count can refuse it. */
  | { stream: number };

/** What the server saw of one request. */
export interface Seen {
  path: string;
  conditional: boolean;
  status: number;
  /** Body bytes sent. */
  bytes: number;
}

/**
 * A docs site on the loopback interface, for the tests and the bench of site and feed sources: serves the given
 * routes, answers conditional requests with 304 when the ETag matches, and records every request.
 * Routes can be changed between runs.
 */
export class SiteServer {
  readonly seen: Seen[] = [];
  private server: Server;
  origin = '';

  constructor(public routes: Record<string, Route>) {
    this.server = createServer((req, res) => this.answer(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Stops listening; stopping a stopped server does nothing. */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  /** Requests seen since `from` (an index into `seen`). */
  since(from: number): Seen[] {
    return this.seen.slice(from);
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const conditional = Boolean(req.headers['if-none-match'] || req.headers['if-modified-since']);
    // Recorded as it arrives (a request the client gives up on is still one it made).
    const seen: Seen = { path, conditional, status: 0, bytes: 0 };
    this.seen.push(seen);
    const record = (status: number, bytes: number) => Object.assign(seen, { status, bytes });
    const route = this.routes[path];
    if (!route) {
      record(404, 0);
      res.writeHead(404).end();
      return;
    }
    if ('status' in route) {
      record(route.status, 0);
      res.writeHead(route.status).end();
      return;
    }
    if ('redirect' in route) {
      record(302, 0);
      res.writeHead(302, { location: route.redirect }).end();
      return;
    }
    if ('stream' in route) {
      record(200, route.stream);
      res.writeHead(200, { 'content-type': 'text/markdown' });
      const chunk = Buffer.alloc(16 * 1024, 'a');
      let left = route.stream;
      const push = () => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!res.write(chunk.subarray(0, n))) return void res.once('drain', push);
        }
        res.end();
      };
      res.on('error', () => {});
      push();
      return;
    }
    const etag = `"${createHash('sha256').update(route.body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      record(304, 0);
      res.writeHead(304, { etag }).end();
      return;
    }
    const send = () => {
      const body = Buffer.from(route.body);
      record(200, body.length);
      res.writeHead(200, { 'content-type': 'type' in route && route.type ? route.type : 'text/markdown; charset=utf-8', etag, 'content-length': body.length });
      res.end(body);
    };
    if ('slowMs' in route) {
      const timer = setTimeout(send, route.slowMs);
      res.on('close', () => clearTimeout(timer));
    } else send();
  }
}
