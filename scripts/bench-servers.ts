// The server figures of `npm run bench`: several MCP servers, each a real process over stdio (or
// HTTP), timed in the same run and in alternation so that a noisy machine weighs on all alike.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** A server to time: how to start it, and how to ask it a search. */
export interface ServerUnderTest {
  name: string;
  command: string;
  args: string[];
  tool: string;
  /** The tool arguments of a search for `query` returning `limit` results. */
  searchArgs: (query: string, limit: number) => Record<string, unknown>;
}

export interface ColdStart {
  /** Spawn to the `initialize` answer. */
  initializeMs: number;
  /** Spawn to the answer of the first tool call (sent as soon as `initialize` is answered). */
  firstSearchMs: number;
}

/**
 * Spawns the server and speaks raw JSON lines to it: `initialize` at once, then (on its answer)
 * `notifications/initialized` and one search. The clock starts just before the spawn.
 */
export async function coldStart(server: ServerUnderTest, query: string, options: { closeStdin?: boolean } = {}): Promise<ColdStart> {
  const started = performance.now();
  const child = spawn(server.command, server.args, { stdio: ['pipe', 'pipe', 'ignore'] });
  const send = (message: object) => child.stdin?.write(`${JSON.stringify(message)}\n`);
  let initializeMs = 0;
  const firstSearchMs = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.once('error', reject);
    child.once('close', (code) => reject(new Error(`${server.name} exited (${code}) before answering`)));
    child.stdout?.on('data', (data: Buffer) => {
      buffer += data.toString('utf8');
      for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 1);
        const id = (JSON.parse(line) as { id?: unknown }).id;
        if (id === 1) {
          initializeMs = performance.now() - started;
          send({ jsonrpc: '2.0', method: 'notifications/initialized' });
          send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: server.tool, arguments: server.searchArgs(query, 10) } });
        } else if (id === 2) resolve(performance.now() - started);
      }
    });
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
  });
  if (options.closeStdin) {
    // The way a client ends a session: the server finishes and exits (stop() stays the fallback).
    child.stdin?.end();
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  }
  await stop(child);
  return { initializeMs, firstSearchMs };
}

export interface WarmFigures {
  latencies: number[];
  /** Characters of each answer: text content and structuredContent, as JSON. */
  chars: number[];
}

/**
 * Connects an SDK client to each server, warms each up with every query once, then asks every
 * query `rounds` times, each query of each round going to every server in turn (the order rotating).
 */
export async function warmRuns(servers: ServerUnderTest[], queries: string[], rounds: number, limit: number): Promise<Map<string, WarmFigures & { pid?: number; client: Client }>> {
  const out = new Map<string, WarmFigures & { pid?: number; client: Client }>();
  for (const server of servers) {
    const transport = new StdioClientTransport({ command: server.command, args: server.args, stderr: 'ignore' });
    const client = new Client({ name: 'bench', version: '1' });
    await client.connect(transport);
    out.set(server.name, { latencies: [], chars: [], pid: transport.pid ?? undefined, client });
  }
  const ask = async (server: ServerUnderTest, query: string) => {
    const entry = out.get(server.name);
    if (!entry) throw new Error(`no client for ${server.name}`);
    const t = performance.now();
    const result = await entry.client.callTool({ name: server.tool, arguments: server.searchArgs(query, limit) });
    return { ms: performance.now() - t, chars: JSON.stringify(result.content).length + JSON.stringify(result.structuredContent ?? null).length, entry };
  };
  for (const query of queries) for (const server of servers) await ask(server, query);
  let turn = 0;
  for (let round = 0; round < rounds; round++) {
    for (const query of queries) {
      turn++;
      for (let k = 0; k < servers.length; k++) {
        const server = servers[(k + turn) % servers.length] as ServerUnderTest;
        const { ms, chars, entry } = await ask(server, query);
        entry.latencies.push(ms);
        if (round === 0) entry.chars.push(chars);
      }
    }
  }
  return out;
}

/** Resident memory of a process, MB (Linux). */
export async function rssMb(pid: number | undefined): Promise<number> {
  const status = pid ? await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '') : '';
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export interface BurstFigures {
  /** Per client: from the burst's start to its first tool call answered. */
  fromStart: number[];
  /** Per client: from sending its first tool call to its answer. */
  firstCall: number[];
}

/**
 * Starts `serve --http` on a free loopback port, warms it with one client, then connects `clients`
 * clients at once, each making one search as soon as it is connected.
 */
export async function httpBurst(command: string, args: string[], clients: number, queries: string[]): Promise<BurstFigures> {
  const child = spawn(command, [...args, '--http', '--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      child.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /MCP over HTTP at (\S+)/.exec(err);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('close', (code) => reject(new Error(`HTTP server exited ${code}: ${err}`)));
    });
    const open = async () => {
      const client = new Client({ name: 'bench', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      return client;
    };
    const warm = await open();
    for (const query of queries.slice(0, 10)) await warm.callTool({ name: 'search_docs', arguments: { query } });
    await warm.close();
    const figures: BurstFigures = { fromStart: [], firstCall: [] };
    const start = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, i) => {
        const client = await open();
        const t = performance.now();
        await client.callTool({ name: 'search_docs', arguments: { query: queries[i % queries.length] ?? 'sso' } });
        figures.firstCall.push(performance.now() - t);
        figures.fromStart.push(performance.now() - start);
        await client.close();
      }),
    );
    return figures;
  } finally {
    await stop(child);
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('close', () => resolve());
    child.kill();
  });
}
