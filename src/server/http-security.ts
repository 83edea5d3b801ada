import { networkInterfaces } from 'node:os';

/**
 * Who may talk to the HTTP server: decided once, before anything listens. A server reachable from
 * other machines must require a token unless the operator says otherwise (`--insecure`); a token
 * that is set must be usable; and the Host names accepted are the ones the server is reachable by.
 */
export class HttpSecurityError extends Error {
  constructor(
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${problem}\nFix: ${fix}`);
    this.name = 'HttpSecurityError';
  }
}

export interface HttpSecurityInput {
  host: string;
  /** As configured; surrounding whitespace is not part of it (HTTP trims header values). */
  token?: string;
  insecure?: boolean;
  allowedHosts?: string[];
}

export interface HttpSecurity {
  /** The trimmed token, when one is required. */
  token?: string;
  /** Lower-case Host names (without port) a request may carry. */
  hosts: Set<string>;
  /** Said once at start-up when the setup is allowed but unsafe. */
  warning?: string;
}

const LOOPBACK = ['127.0.0.1', 'localhost', '::1', '[::1]'];
const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return LOOPBACK.includes(h) || /^127(\.\d{1,3}){3}$/.test(h);
}

export function checkHttpSecurity(input: HttpSecurityInput): HttpSecurity {
  let token: string | undefined;
  if (input.token !== undefined) {
    token = input.token.trim();
    if (!token) {
      throw new HttpSecurityError(
        'WORKOS_DOCS_MCP_TOKEN is set but empty, which would leave the server open to anyone.',
        'set WORKOS_DOCS_MCP_TOKEN to a secret (e.g. `openssl rand -hex 32`), or unset it to serve on loopback without a token.',
      );
    }
  }
  const loopback = isLoopback(input.host);
  if (!loopback && !token && !input.insecure) {
    throw new HttpSecurityError(
      `Refusing to serve on ${input.host} (reachable from other machines) without a token.`,
      'set WORKOS_DOCS_MCP_TOKEN to a secret that clients send as `Authorization: Bearer <token>`, bind to 127.0.0.1, or pass --insecure to serve anyone who can reach this address.',
    );
  }
  return {
    ...(token ? { token } : {}),
    hosts: acceptedHosts(input.host, input.allowedHosts ?? []),
    ...(!loopback && !token ? { warning: `serving ${input.host} without a token (--insecure): anyone who can reach this address can use the server.` } : {}),
  };
}

/**
 * The bind address and the configured names; loopback names only on a loopback bind (anyone can
 * send `Host: localhost`); for a wildcard bind, the addresses of this machine's interfaces.
 */
function acceptedHosts(host: string, extra: string[]): Set<string> {
  const h = host.toLowerCase();
  const names = new Set(extra.map((x) => x.trim().toLowerCase()).filter(Boolean));
  if (isLoopback(h)) for (const name of LOOPBACK) names.add(name);
  if (WILDCARD.has(h)) {
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) if (!a.internal) names.add(a.family === 'IPv6' ? `[${a.address.toLowerCase()}]` : a.address);
    }
  } else {
    names.add(h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);
  }
  return names;
}
