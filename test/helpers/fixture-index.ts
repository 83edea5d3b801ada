import { cp } from 'node:fs/promises';
import { afterAll, beforeAll, inject } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { openEngine, type DocsEngine } from '../../src/core/engine.js';
import { createServer } from '../../src/server/create-server.js';
import { tempDir } from './fixtures.js';
import { requireBuilt } from './spawn.js';

/**
 * The run's shared index of the fixture docs (built once by test/global-setup.ts), and a real MCP
 * client connected in memory. The index is read-only: a test that writes builds its own.
 */
export async function fixtureServer(): Promise<{ client: Client; engine: DocsEngine; indexDir: string; close: () => Promise<void> }> {
  const indexDir = inject('fixtureIndexDir');
  const engine = await openEngine(indexDir, { modelsDir: '' });
  return { engine, indexDir, ...(await connectClient(engine)) };
}

/**
 * A writable copy of the run's shared fixture index at `indexDir`: the index that ingest of the
 * fixture docs and changelogs builds (local embedder), for a test that damages an index or builds
 * on one without building its own first (a build costs about ten times a copy). Incremental builds
 * from a copy of the fixture docs reuse it as they would their own: an index records the docs by
 * path and hash, not by folder.
 */
export async function copyFixtureIndex(indexDir: string): Promise<void> {
  await cp(inject('fixtureIndexDir'), indexDir, { recursive: true });
}

/** A real MCP client connected in memory to a server built on `engine`. */
export async function connectClient(engine: DocsEngine): Promise<{ client: Client; close: () => Promise<void> }> {
  const server = createServer({ engine: () => engine });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'test', version: '1.0.0' });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

export function textOf(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content.map((c) => c.text ?? '').join('\n');
}

/**
 * Registers beforeAll/afterAll hooks that start a fixture server for the file's tests. The returned
 * object is filled in by beforeAll; `call` invokes a tool on the shared client.
 */
export function useFixtureServer(): { client: Client; engine: DocsEngine; call: (name: string, args: Record<string, unknown>) => ReturnType<Client['callTool']> } {
  const shared = {} as { client: Client; engine: DocsEngine; call: (name: string, args: Record<string, unknown>) => ReturnType<Client['callTool']> };
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const ctx = await fixtureServer();
    shared.client = ctx.client;
    shared.engine = ctx.engine;
    close = ctx.close;
  });
  afterAll(async () => close?.());
  shared.call = (name, args) => shared.client.callTool({ name, arguments: args });
  return shared;
}

/**
 * The run's shared, read-only fixture index for a file's tests (and a check that the built CLI
 * exists when the tests spawn it), with a temp folder beside it for paths the tests make up.
 * Filled in by beforeAll.
 */
export function useFixtureIndexDir(options: { spawns?: boolean } = {}): { dir: string; work: string } {
  const shared = { dir: '', work: '' };
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (options.spawns) requireBuilt();
    const work = await tempDir();
    cleanup = work.cleanup;
    shared.work = work.dir;
    shared.dir = inject('fixtureIndexDir');
  });
  afterAll(async () => cleanup?.());
  return shared;
}
