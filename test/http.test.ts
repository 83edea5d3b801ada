import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startHttp } from './helpers/spawn.js';

const TOKEN = 'test-token-0123456789';
let server: Awaited<ReturnType<typeof startHttp>>;
beforeAll(async () => {
  server = await startHttp(['--index', inject('fixtureIndexDir')], { WORKOS_DOCS_MCP_TOKEN: TOKEN });
});
afterAll(async () => {
  await server?.stop();
});

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
const post = (headers: Record<string, string>, body: string = JSON.stringify(initialize)) =>
  fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body });

describe('the Streamable HTTP transport', () => {
  it('binds to loopback and answers a tool call from a client with the token', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = new Client({ name: 'http-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
    const result = await client.callTool({ name: 'search_docs', arguments: { query: 'wind tunnel sandbox', limit: 1 } });
    expect((result.structuredContent as { results: Array<{ path: string }> }).results[0]?.path).toBe('guide/testing');
    await client.close();
  });

  it('answers a notification with 202 and no body, and still checks its headers', async () => {
    const initialized = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const res = await post({ authorization: `Bearer ${TOKEN}` }, initialized);
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
    expect((await post({ authorization: `Bearer ${TOKEN}`, accept: 'application/json' }, initialized)).status).toBe(406);
  });

  it('gives each of 30 clients at once the answer to its own question, on servers reused between requests', async () => {
    const questions = ['wind tunnel sandbox', 'plane.landed', 'hangar.createWidget wingSpan'];
    const answered = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const client = new Client({ name: `burst-${i}`, version: '1' });
        await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
        const result = await client.callTool({ name: 'search_docs', arguments: { query: questions[i % 3] ?? '', limit: 1 } });
        await client.close();
        return (result.structuredContent as { query: string; results: Array<{ path: string }> }).query;
      }),
    );
    expect(answered).toEqual(Array.from({ length: 30 }, (_, i) => questions[i % 3]));
  });

  it('refuses a request without the token, or with a wrong one, with 401', async () => {
    expect((await post({})).status).toBe(401);
    expect((await post({ authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('refuses a foreign Origin and a foreign Host with 403', async () => {
    expect((await post({ authorization: `Bearer ${TOKEN}`, origin: 'https://evil.example' })).status).toBe(403);
    const url = new URL(server.url);
    const res = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { host: 'evil.example', authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } }, (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(JSON.stringify(initialize));
      }, reject);
    });
    expect(res).toBe(403);
  });

  it('accepts a loopback Origin', async () => {
    const res = await post({ authorization: `Bearer ${TOKEN}`, origin: 'http://localhost:5173' });
    expect(res.status).toBe(200);
  });

  it('refuses malformed JSON with 400 and an oversized body with 413', async () => {
    const bad = await post({ authorization: `Bearer ${TOKEN}` }, '{"jsonrpc": "2.0", ');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: number } }).error.code).toBe(-32700);
    const big = await post({ authorization: `Bearer ${TOKEN}` }, JSON.stringify({ ...initialize, pad: 'x'.repeat(2 * 1024 * 1024) }));
    expect(big.status).toBe(413);
  });
});
