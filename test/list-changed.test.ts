import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ResourceListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { buildIndex } from '../ingest/build.js';
import { ReloadingEngine } from '../src/core/reloading-engine.js';
import { createServer } from '../src/server/create-server.js';
import { copyFixtureIndex } from './helpers/fixture-index.js';
import { copyFixtureDocs, FIXTURE_CHANGELOGS, tempDir } from './helpers/fixtures.js';
import { CLI, requireBuilt } from './helpers/spawn.js';

// A copy of the shared fixture index in a temp dir that each test rebuilds with one more doc while a server serves it.
let work: Awaited<ReturnType<typeof tempDir>>;
let docs: string;
const indexFor = (name: string) => path.join(work.dir, name);
const build = (indexDir: string) => buildIndex({ docsDir: docs, changelogsDir: FIXTURE_CHANGELOGS, indexDir, embedder: 'local', modelsDir: '' });
const addKites = () => writeFile(path.join(docs, 'guide', 'kites.mdx'), '---\ntitle: Kites\n---\n\n## Kite strings\n\nKites fly on long strings in steady wind.\n');

beforeAll(async () => {
  work = await tempDir();
  docs = await copyFixtureDocs(work.dir);
  await Promise.all([copyFixtureIndex(indexFor('memory')), copyFixtureIndex(indexFor('stdio'))]);
  await addKites();
});
afterAll(async () => work?.cleanup());

/** A client that counts resources/list_changed notifications and can wait for the next one. */
function countingClient(): { client: Client; count: () => number; next: Promise<void> } {
  const client = new Client({ name: 'list-changed', version: '1.0.0' });
  let seen = 0;
  let resolve: () => void = () => {};
  const next = new Promise<void>((r) => (resolve = r));
  client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
    seen++;
    resolve();
  });
  return { client, count: () => seen, next };
}

describe('notifications/resources/list_changed after a reindex while serving', () => {
  it('is advertised and sent over a connection that can carry it, and the new doc is then listed', async () => {
    const indexDir = indexFor('memory');
    const live = await ReloadingEngine.open(indexDir, { modelsDir: '', checkMs: 0 });
    const server = createServer({ engine: () => live.current(), onReload: (listener) => live.onReload(listener) });
    const { client, count, next } = countingClient();
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
    try {
      expect(client.getServerCapabilities()?.resources?.listChanged).toBe(true);
      expect(client.getServerCapabilities()?.tools?.listChanged).toBeUndefined();
      const before = (await client.listResources()).resources.map((r) => r.uri);
      expect(before).not.toContain('docs://guide/kites');
      expect(count()).toBe(0);
      await build(indexDir);
      // A request notices the new manifest and starts the reload; the notification follows it.
      await client.listResources();
      await live.settled();
      await next;
      expect(count()).toBe(1);
      expect((await client.listResources()).resources.map((r) => r.uri)).toContain('docs://guide/kites');
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('reaches a client of the built server over stdio', async () => {
    requireBuilt();
    const indexDir = indexFor('stdio');
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'serve', '--index', indexDir], stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const { client, count } = countingClient();
    await client.connect(transport);
    try {
      expect(client.getServerCapabilities()?.resources?.listChanged).toBe(true);
      expect(client.getServerCapabilities()?.tools?.listChanged).toBeUndefined();
      // The server answers initialize before its index has loaded: this answer comes from the index before the rebuild.
      expect((await client.listResources()).resources.map((r) => r.uri)).not.toContain('docs://guide/kites');
      await build(indexDir);
      // The server checks the index at most once a second, on a request: ask until it has reloaded.
      let uris: string[] = [];
      for (let i = 0; i < 100 && !(count() > 0 && uris.includes('docs://guide/kites')); i++) {
        uris = (await client.listResources()).resources.map((r) => r.uri);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(stderr).toMatch(/index reloaded/);
      expect(count()).toBe(1);
      expect(uris).toContain('docs://guide/kites');
    } finally {
      await client.close();
    }
  }, 30_000);
});
