import { beforeAll, describe, expect, inject, it } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { openEngine, type DocsEngine } from '../src/core/engine.js';
import { createServer } from '../src/server/create-server.js';
import { readTopLevelId } from '../src/server/jsonrpc-check.js';
import { LineStdioTransport, type StdioLimits } from '../src/server/stdio-transport.js';

// The stdio transport over real streams with the real MCP server on the fixture index.
let engine: DocsEngine;
beforeAll(async () => {
  engine = await openEngine(inject('fixtureIndexDir'), { modelsDir: '' });
});

interface Reply {
  id: string | number | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** A server on a LineStdioTransport over in-memory pipes; `replies` collects what it writes. */
async function connect(limits: Partial<StdioLimits> = {}, server: McpServer = createServer({ engine: () => engine })) {
  const input = new PassThrough();
  const output = new PassThrough();
  const replies: Reply[] = [];
  let buffered = '';
  output.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      replies.push(JSON.parse(buffered.slice(0, nl)) as Reply);
      buffered = buffered.slice(nl + 1);
    }
  });
  const transport = new LineStdioTransport(input, output, limits);
  const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
  const errors: Error[] = [];
  transport.onerror = (e) => errors.push(e);
  await server.connect(transport);
  const waitFor = async (n: number) => {
    while (replies.length < n) await new Promise((r) => setTimeout(r, 5));
    return replies;
  };
  return { input, output, replies, closed, errors, waitFor, transport };
}

const ping = (id: number | string) => JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' });
const lines = (...messages: string[]) => messages.map((m) => `${m}\n`).join('');

describe('the stdio transport', () => {
  it('answers every request, then closes once the input ends and the replies are written', async () => {
    const s = await connect();
    const search = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'search_docs', arguments: { query: 'wind tunnel' } } });
    s.input.end(lines(ping(1), search, ping(3)));
    await s.closed;
    expect(s.replies.map((r) => r.id).sort()).toEqual([1, 2, 3]);
    expect(JSON.stringify(s.replies.find((r) => r.id === 2)?.result)).toContain('guide/testing');
  });

  it('reads a last message that has no newline before the end of input', async () => {
    const s = await connect();
    s.input.end(ping(7));
    await s.closed;
    expect(s.replies).toEqual([{ jsonrpc: '2.0', id: 7, result: {} }]);
  });

  it('refuses a message over the byte cap as soon as it crosses it, skips the rest of it and keeps serving', async () => {
    const s = await connect({ maxMessageBytes: 1000 });
    const big = JSON.stringify({ jsonrpc: '2.0', id: 'big', method: 'tools/call', params: { name: 'search_docs', arguments: { query: 'x'.repeat(5000) } } });
    s.input.write(big.slice(0, 2000));
    const [refusal] = await s.waitFor(1);
    expect(refusal).toMatchObject({ id: 'big', error: { code: -32600, data: { maxMessageBytes: 1000 } } });
    expect(refusal?.error?.message).toMatch(/at most 1000 bytes/);
    s.input.end(lines(big.slice(2000), ping(2)));
    await s.closed;
    expect(s.replies.map((r) => r.id)).toEqual(['big', 2]);
  });

  it('hands at most maxInFlight requests to the server, queues maxQueued and answers the rest "server busy"', async () => {
    const s = await connect({ maxInFlight: 2, maxQueued: 3 });
    s.input.write(lines(...Array.from({ length: 10 }, (_, i) => ping(i + 1))));
    const replies = await s.waitFor(10);
    const busy = replies.filter((r) => r.error?.code === -32000);
    expect(busy.map((r) => r.id).sort((a, b) => Number(a) - Number(b))).toEqual([6, 7, 8, 9, 10]);
    expect(busy[0]?.error?.message).toMatch(/^Server busy: 2 requests in progress and 3 waiting/);
    expect(replies.filter((r) => r.result).map((r) => r.id).sort()).toEqual([1, 2, 3, 4, 5]);
    s.input.end();
    await s.closed;
  });

  it('answers requests that are not valid JSON-RPC with -32600 or -32700, with their id when it can be read', async () => {
    const s = await connect();
    s.input.end(
      lines(
        JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'ping' }, { jsonrpc: '2.0', id: 'b', method: 'ping' }]),
        JSON.stringify({ id: 2, method: 'ping' }),
        JSON.stringify({ jsonrpc: '1.0', id: 3, method: 'ping' }),
        JSON.stringify({ jsonrpc: '2.0', id: { n: 4 }, method: 'ping' }),
        JSON.stringify({ jsonrpc: '2.0', id: null, method: 'ping' }),
        JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/list', params: 'all' }),
        '{"jsonrpc": "2.0", "id": 6, "method": "ping"',
        '[]',
        ping(7),
      ),
    );
    await s.closed;
    const byId = (id: Reply['id']) => s.replies.filter((r) => r.id === id);
    expect(byId(1)[0]?.error).toMatchObject({ code: -32600, message: expect.stringMatching(/batches \(arrays\) are not supported/) });
    expect(byId('b')[0]?.error?.code).toBe(-32600);
    expect(byId(2)[0]?.error).toMatchObject({ code: -32600, message: expect.stringMatching(/"jsonrpc" must be "2.0", got nothing/) });
    expect(byId(3)[0]?.error).toMatchObject({ code: -32600, message: expect.stringMatching(/"jsonrpc" must be "2.0", got "1.0"/) });
    expect(byId(5)[0]?.error).toMatchObject({ code: -32600, message: expect.stringMatching(/"params" must be an object, got "all"/) });
    expect(byId(6)[0]?.error?.code).toBe(-32700);
    expect(byId(null).map((r) => r.error?.message.slice(0, 41))).toEqual([
      'Invalid Request: "id" must be a string or',
      'Invalid Request: "id" must be a string or',
      'Invalid Request: JSON-RPC batches (arrays',
    ]);
    expect(byId(7)[0]?.result).toEqual({});
    expect(s.replies).toHaveLength(10);
  });

  it('drops a queued request that the client cancels, and frees the slot of a cancelled one in progress', async () => {
    const server = new McpServer({ name: 'slow', version: '1' });
    const started: string[] = [];
    server.registerTool('wait', { description: 'never answers', inputSchema: {} }, async (_args, extra) => {
      started.push(String(extra.requestId));
      await new Promise(() => {});
      return { content: [] };
    });
    const s = await connect({ maxInFlight: 1, maxQueued: 5 }, server);
    const call = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'wait', arguments: {} } });
    const cancel = (id: number) => JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id } });
    s.input.write(lines(call(1), call(2), call(3), cancel(2)));
    while (started.length < 1) await new Promise((r) => setTimeout(r, 5));
    s.input.write(lines(cancel(1)));
    while (started.length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(started).toEqual(['1', '3']);
    expect(s.replies).toEqual([]);
    await s.transport.close();
  });

  it('closes after drainTimeoutMs when the input has ended but a request is never answered', async () => {
    const server = new McpServer({ name: 'stuck', version: '1' });
    server.registerTool('wait', { description: 'never answers', inputSchema: {} }, async () => new Promise(() => {}));
    const s = await connect({ drainTimeoutMs: 50 }, server);
    s.input.end(lines(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'wait', arguments: {} } }), ping(2)));
    await s.closed;
    expect(s.replies.map((r) => r.id)).toEqual([2]);
  });

  it('closes quietly when the reader has gone away (EPIPE), without reporting an error', async () => {
    const input = new PassThrough();
    const output = new Writable({
      write(_chunk, _enc, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const transport = new LineStdioTransport(input, output);
    const errors: Error[] = [];
    const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
    transport.onerror = (e) => errors.push(e);
    await createServer({ engine: () => engine }).connect(transport);
    input.write(lines(ping(1), ping(2)));
    await closed;
    expect(errors).toEqual([]);
  });

  it('stops reading while the output is backed up, and serves everything once it is read', async () => {
    const input = new PassThrough();
    const output = new PassThrough({ highWaterMark: 64 });
    const transport = new LineStdioTransport(input, output);
    const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
    await createServer({ engine: () => engine }).connect(transport);
    input.write(lines(...Array.from({ length: 200 }, (_, i) => ping(i))));
    while (!input.isPaused()) await new Promise((r) => setTimeout(r, 5));
    let text = '';
    output.on('data', (d: Buffer) => (text += d.toString()));
    input.end();
    await closed;
    expect(text.trim().split('\n')).toHaveLength(200);
  });
});

describe('reading the id of a message that cannot be parsed whole', () => {
  it('finds the top-level id, not one nested in params, and gives up on a cut-off text', () => {
    expect(readTopLevelId('{"jsonrpc":"2.0","params":{"id":99,"q":"a\\"}"},"id":"x1","method":"m"')).toBe('x1');
    expect(readTopLevelId('{"jsonrpc":"2.0","id":42,"params":{"query":"xxxx')).toBe(42);
    expect(readTopLevelId('{"jsonrpc":"2.0","method":"m","params":{"query":"xxxx')).toBeUndefined();
    expect(readTopLevelId('{"id":4')).toBeUndefined();
    expect(readTopLevelId('[{"id":1}]')).toBeUndefined();
  });
});
