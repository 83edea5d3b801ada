import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import path from 'node:path';
import { checkHttpSecurity } from '../src/server/http-security.js';
import { useFixtureIndexDir } from './helpers/fixture-index.js';
import { CLI, startHttp } from './helpers/spawn.js';

// Who the HTTP server serves: the spawned server for what can be shown on loopback, and the
// security policy itself for binds to other addresses (tests only ever listen on loopback).
const fixture = useFixtureIndexDir({ spawns: true });

/** Runs `serve` and expects it to exit by itself; a server that starts listening instead is killed after 10 s. */
function serveExpectingExit(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'serve', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

function post(url: string, headers: Record<string, string>): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(initialize);
  });
}

describe('serve --http refuses unsafe setups before it listens', () => {
  it('refuses a non-loopback address without a token, saying how to fix it, before loading the index', async () => {
    const unset = await serveExpectingExit(['--http', '--host', '0.0.0.0', '--port', '0', '--index', path.join(fixture.work, 'missing')], { WORKOS_DOCS_MCP_TOKEN: undefined });
    expect(unset.code).toBe(1);
    expect(unset.stderr).toMatch(/Refusing to serve on 0\.0\.0\.0 \(reachable from other machines\) without a token/);
    expect(unset.stderr).toMatch(/WORKOS_DOCS_MCP_TOKEN[\s\S]*--insecure/);
    expect(unset.stderr).not.toMatch(/manifest\.json/);
  });

  it('refuses an empty WORKOS_DOCS_MCP_TOKEN instead of silently serving without authentication', async () => {
    const run = await serveExpectingExit(['--http', '--port', '0', '--index', fixture.dir], { WORKOS_DOCS_MCP_TOKEN: '' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/WORKOS_DOCS_MCP_TOKEN is set but empty/);
    const blank = await serveExpectingExit(['--http', '--port', '0', '--index', fixture.dir], { WORKOS_DOCS_MCP_TOKEN: '  \n' });
    expect(blank.code).toBe(1);
  });
});

describe('serve --http with a token that has surrounding whitespace', () => {
  let server: Awaited<ReturnType<typeof startHttp>>;
  beforeAll(async () => {
    server = await startHttp(['--index', fixture.dir], { WORKOS_DOCS_MCP_TOKEN: '  s3cret-token \n' });
  });
  afterAll(async () => server?.stop());

  it('accepts the token without the whitespace (header values are trimmed) and still refuses a wrong one', async () => {
    expect(await post(server.url, { authorization: 'Bearer s3cret-token' })).toBe(200);
    expect(await post(server.url, { authorization: 'Bearer s3cret' })).toBe(401);
  });

  it('on a loopback bind, accepts Host: localhost and the bind address, and nothing else', async () => {
    const port = new URL(server.url).port;
    expect(await post(server.url, { authorization: 'Bearer s3cret-token', host: `localhost:${port}` })).toBe(200);
    expect(await post(server.url, { authorization: 'Bearer s3cret-token', host: `127.0.0.1:${port}` })).toBe(200);
    expect(await post(server.url, { authorization: 'Bearer s3cret-token', host: `docs.example:${port}` })).toBe(403);
  });
});

describe('the HTTP security policy for other addresses', () => {
  it('on a non-loopback bind, accepts the bind address and configured names, never localhost', () => {
    const policy = checkHttpSecurity({ host: '192.0.2.10', token: 'secret', allowedHosts: ['Docs.Internal'] });
    expect([...policy.hosts].sort()).toEqual(['192.0.2.10', 'docs.internal']);
    expect(policy.hosts.has('localhost')).toBe(false);
    expect(policy.hosts.has('127.0.0.1')).toBe(false);
  });

  it('warns only when serving another address without a token (--insecure), not when a token is set', () => {
    expect(checkHttpSecurity({ host: '192.0.2.10', token: 'secret' }).warning).toBeUndefined();
    expect(checkHttpSecurity({ host: '127.0.0.1' }).warning).toBeUndefined();
    expect(checkHttpSecurity({ host: '192.0.2.10', insecure: true }).warning).toMatch(/without a token \(--insecure\)/);
    expect(() => checkHttpSecurity({ host: '192.0.2.10' })).toThrow(/Refusing to serve on 192\.0\.2\.10/);
  });

  it('trims the token and refuses one that is only whitespace', () => {
    expect(checkHttpSecurity({ host: '127.0.0.1', token: ' abc \n' }).token).toBe('abc');
    expect(() => checkHttpSecurity({ host: '127.0.0.1', token: ' ' })).toThrow(/set but empty/);
  });

  it('on a wildcard bind, accepts this machine\'s own addresses but not loopback names', () => {
    const policy = checkHttpSecurity({ host: '0.0.0.0', token: 'secret', allowedHosts: ['docs.internal'] });
    expect(policy.hosts.has('docs.internal')).toBe(true);
    expect(policy.hosts.has('localhost')).toBe(false);
    expect(policy.hosts.has('0.0.0.0')).toBe(false);
  });
});
