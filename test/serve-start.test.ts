import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { openEngine, type DocsEngine } from '../src/core/engine.js';
import { ReloadingEngine } from '../src/core/reloading-engine.js';
import { createServer } from '../src/server/create-server.js';
import { loadIndex, loadIndexForServing } from '../src/store/load.js';
import { textOf, useFixtureIndexDir } from './helpers/fixture-index.js';
import { indexFile } from './helpers/index-files.js';

// How a server starts: it answers before its index has loaded, reads only what search needs, and
// checks the files' checksums once it is up.
const fixture = useFixtureIndexDir();

/** A copy of the fixture index in the test's temp folder, to damage. */
async function copyIndex(name: string): Promise<string> {
  const dir = path.join(fixture.work, name);
  await cp(fixture.dir, dir, { recursive: true });
  return dir;
}

/** The same bytes with one character of a chunk's text changed: same size, valid JSON, another checksum. */
async function flipChunkText(indexDir: string): Promise<void> {
  const file = indexFile(indexDir, 'chunks.json');
  const text = await readFile(file, 'utf8');
  const at = text.indexOf('"text":"') + 10;
  await writeFile(file, text.slice(0, at) + (text[at] === 'x' ? 'y' : 'x') + text.slice(at + 1));
}

describe('starting a server', () => {
  it('answers initialize and tools/list while the index loads, and tool calls once it has loaded', async () => {
    let ready: (engine: DocsEngine) => void = () => {};
    const loading = new Promise<DocsEngine>((resolve) => (ready = resolve));
    const server = createServer({ engine: () => loading });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'test', version: '1.0.0' });
    await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('search_docs');
    const events: string[] = [];
    const search = client.callTool({ name: 'search_docs', arguments: { query: 'wind tunnel', limit: 1 } }).then((r) => {
      events.push('answered');
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    events.push('loaded');
    ready(await openEngine(fixture.dir, { modelsDir: '' }));
    expect(textOf(await search)).toContain('Wind tunnel');
    expect(events).toEqual(['loaded', 'answered']);
    await client.close();
  });

  it('refuses a damaged per-file record when serving as when building, checked without zod when serving', async () => {
    const dir = await copyIndex('files-records');
    const file = indexFile(dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(file, 'utf8')) as { files: Record<string, unknown> };
    expect(loadIndexForServing(dir).manifest.files).toEqual(manifest.files);
    const first = Object.keys(manifest.files)[0] ?? '';
    manifest.files[first] = { docId: 42 };
    await writeFile(file, JSON.stringify(manifest));
    expect(() => loadIndexForServing(dir)).toThrow(/manifest\.json: it does not match the manifest schema \(files: Expected a record of \{docId, sha256\}/);
    expect(() => loadIndex(dir)).toThrow(/manifest\.json: it does not match the manifest schema \(files\./);
  });

  it('searches without reading a doc: a damaged docs file is found only when a doc is asked for', async () => {
    const dir = await copyIndex('docs-damaged');
    const file = indexFile(dir, 'docs.json');
    await writeFile(file, 'x'.repeat((await readFile(file)).length));
    const index = loadIndexForServing(dir);
    const engine = await openEngine(fixture.dir, { modelsDir: '' });
    expect(index.docIds).toEqual(engine.index.docs.map((d) => d.id));
    expect(() => index.docs).toThrow(/docs\.json: its content is invalid[\s\S]*ingest --full/);
    expect(() => loadIndex(dir)).toThrow(/docs\.json: its checksum does not match/);
  });

  it('refuses an index whose doc ids disagree with its docs', async () => {
    const dir = await copyIndex('ids-disagree');
    const file = indexFile(dir, 'doc-ids.json');
    const ids = JSON.parse(await readFile(file, 'utf8')) as string[];
    // Same length in bytes, another order: only the check of ids against docs can tell.
    await writeFile(file, JSON.stringify([ids[1], ids[0], ...ids.slice(2)]));
    expect(() => loadIndexForServing(dir).docs).toThrow(/doc-ids\.json: its \d+ doc ids do not match the \d+ docs of docs\.json/);
  });

  it('finds a file damaged in place once serving, and then fails each access naming the file and the fix', async () => {
    const dir = await copyIndex('bit-flip');
    await flipChunkText(dir);
    const lines: string[] = [];
    const live = await ReloadingEngine.open(dir, { modelsDir: '', verifyAfterMs: 0, log: (line) => lines.push(line) });
    await live.verified();
    expect(() => live.current()).toThrow(/chunks\.json: its checksum does not match the manifest[\s\S]*ingest --full/);
    expect(lines.join('\n')).toMatch(/the index is damaged; tool calls fail until it is rebuilt: .*chunks\.json/);
  });

  it('keeps serving an undamaged index after verifying it', async () => {
    const live = await ReloadingEngine.open(fixture.dir, { modelsDir: '', verifyAfterMs: 0 });
    await live.verified();
    expect((await live.current().retriever.search('wind tunnel', { limit: 1 }))[0]?.path).toBe('guide/testing');
  });
});
