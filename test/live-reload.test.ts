import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build.js';
import { ReloadingEngine } from '../src/core/reloading-engine.js';
import { createServer } from '../src/server/create-server.js';
import { copyFixtureIndex } from './helpers/fixture-index.js';
import { copyFixtureDocs, FIXTURE_CHANGELOGS, tempDir } from './helpers/fixtures.js';
import { indexFile } from './helpers/index-files.js';

let work: { dir: string; cleanup: () => Promise<void> };
let docs: string;
let index: string;
const build = () => buildIndex({ docsDir: docs, changelogsDir: FIXTURE_CHANGELOGS, indexDir: index, embedder: 'local', modelsDir: '' });
const addKites = () => writeFile(path.join(docs, 'guide', 'kites.mdx'), '---\ntitle: Kites\n---\n\n## Kite strings\n\nKites fly on long strings in steady wind.\n');

beforeEach(async () => {
  work = await tempDir();
  docs = await copyFixtureDocs(work.dir);
  index = path.join(work.dir, 'index-data');
  await copyFixtureIndex(index);
});
afterEach(async () => work.cleanup());

describe('reloading a rebuilt index while serving', () => {
  it('answers the request that noticed the change, and requests during the load, from the old index before the load ends', async () => {
    const live = await ReloadingEngine.open(index, { modelsDir: '', checkMs: 0 });
    const server = createServer({ engine: () => live.current() });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'test', version: '1.0.0' });
    await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
    try {
      await addKites();
      await build();
      const events: string[] = [];
      // This request notices the new index; the old code loaded it inside the request.
      const noticing = client.callTool({ name: 'list_docs', arguments: {} }).then((r) => {
        events.push(`noticed:${JSON.stringify(r.structuredContent).includes('guide/kites') ? 'new' : 'old'}`);
      });
      await noticing;
      const loaded = live.settled().then(() => events.push('loaded'));
      await client.ping().then(() => events.push('ping'));
      await loaded;
      expect(events).toEqual(['noticed:old', 'ping', 'loaded']);
      expect(live.current().docs.has('guide/kites')).toBe(true);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('tries a failed index again after a back-off, and moves to a later valid one', async () => {
    const lines: string[] = [];
    const live = await ReloadingEngine.open(index, { modelsDir: '', checkMs: 0, retryMs: 0, log: (l) => lines.push(l) });
    await addKites();
    await build();
    // The new version cannot be read for a moment (a damaged file that is then put back).
    const lexical = indexFile(index, 'lexical.bin');
    const bytes = await readFile(lexical);
    await writeFile(lexical, Buffer.alloc(bytes.length));
    live.current();
    await live.settled();
    expect(lines.at(-1)).toMatch(/could not be loaded; still serving the previous one.*lexical\.bin/);
    expect(live.current().docs.has('guide/kites')).toBe(false);
    await live.settled();
    await writeFile(lexical, bytes);
    live.current();
    await live.settled();
    expect(live.current().docs.has('guide/kites')).toBe(true);

    // A broken index, then a good one: the good one is loaded at once.
    await writeFile(path.join(docs, 'guide', 'balloons.mdx'), '---\ntitle: Balloons\n---\n\n## Hot air\n\nBalloons rise on hot air.\n');
    await build();
    await writeFile(indexFile(index, 'lexical.bin'), Buffer.alloc(8));
    live.current();
    await live.settled();
    expect(live.current().docs.has('guide/balloons')).toBe(false);
    await writeFile(path.join(docs, 'guide', 'gliders.mdx'), '---\ntitle: Gliders\n---\n\n## Lift\n\nGliders ride rising air.\n');
    await build();
    live.current();
    await live.settled();
    expect(live.current().docs.has('guide/gliders')).toBe(true);
  });

  it('waits the back-off before trying the same failed index again', async () => {
    const lines: string[] = [];
    const live = await ReloadingEngine.open(index, { modelsDir: '', checkMs: 0, retryMs: 60_000, log: (l) => lines.push(l) });
    await addKites();
    await build();
    await writeFile(indexFile(index, 'lexical.bin'), Buffer.alloc(8));
    for (let i = 0; i < 5; i++) {
      live.current();
      await live.settled();
    }
    expect(lines.filter((l) => l.includes('could not be loaded'))).toHaveLength(1);
  });
});
