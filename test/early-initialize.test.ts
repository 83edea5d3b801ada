import { spawn } from 'node:child_process';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { createServer } from '../src/server/create-server.js';
import { initializeResult, instructionsFor, PROTOCOL_VERSIONS } from '../src/server/identity.js';
import { aboutIndexFolder, UNKNOWN_INDEX } from '../src/core/about.js';
import { useFixtureIndexDir } from './helpers/fixture-index.js';
import { CLI } from './helpers/spawn.js';

// `serve` over stdio answers `initialize` from its entry, before the SDK has loaded: that answer
// must be the one the SDK's server gives, and the session must go on as if the SDK had answered.
const fixture = useFixtureIndexDir({ spawns: true });

const initialize = (id: number | string, protocolVersion: string) => ({
  jsonrpc: '2.0' as const,
  id,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, clientInfo: { name: 'test', version: '1' } },
});

/** What the SDK's server built by createServer (as serve builds it over stdio) answers to `message`. */
async function sdkAnswer(message: JSONRPCMessage): Promise<unknown> {
  const server = createServer({ engine: () => new Promise(() => {}), onReload: () => () => {} });
  const [client, serverSide] = InMemoryTransport.createLinkedPair();
  const answer = new Promise<unknown>((resolve) => (client.onmessage = resolve));
  await server.connect(serverSide);
  await client.start();
  await client.send(message);
  const result = await answer;
  await server.close();
  return result;
}

describe('the early initialize answer', () => {
  it('knows the protocol versions the SDK supports', () => {
    expect([...PROTOCOL_VERSIONS]).toEqual(SUPPORTED_PROTOCOL_VERSIONS);
  });

  it.each([...PROTOCOL_VERSIONS, '2023-01-01'])('is what the SDK server answers to a client asking for %s', async (version) => {
    expect(await sdkAnswer(initialize(7, version))).toEqual({ jsonrpc: '2.0', id: 7, result: initializeResult(version, instructionsFor(UNKNOWN_INDEX)) });
  });

  it('comes once from the spawned server, and the session goes on: tools/list, a search, a ping', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--index', fixture.dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const lines = [
      initialize(1, '2025-06-18'),
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'search_docs', arguments: { query: 'wind tunnel', limit: 1 } } },
      { jsonrpc: '2.0', id: 4, method: 'ping' },
    ];
    child.stdin.end(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    expect(await closed).toBe(0);
    const replies = stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: number; result?: Record<string, unknown> });
    expect(replies.map((r) => r.id).sort()).toEqual([1, 2, 3, 4]);
    // With the instructions of the index served, read from its manifest.
    const instructions = instructionsFor(aboutIndexFolder(fixture.dir));
    expect(instructions).toContain('Answers questions about the WorkOS docs (');
    expect(replies.find((r) => r.id === 1)?.result).toEqual(initializeResult('2025-06-18', instructions));
    expect(JSON.stringify(replies.find((r) => r.id === 3)?.result)).toContain('Wind tunnel');
  });

  it('leaves a first line that is not a well-formed initialize to the SDK, which answers it', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--index', fixture.dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdin.end(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: 5 } })}\n`);
    expect(await closed).toBe(0);
    const replies = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: number; result?: unknown; error?: { code: number; message: string } });
    // The SDK's own answer to it: an error about protocolVersion, never the early success.
    expect(replies).toHaveLength(1);
    expect(replies[0]?.result).toBeUndefined();
    expect(replies[0]?.error?.message).toMatch(/protocolVersion/);
  });
});
