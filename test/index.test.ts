import { DEFAULT_BASE_URL } from '../src/ids.js';
import { readFile, rm, truncate, writeFile, appendFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build.js';
import { openEngine } from '../src/core/engine.js';
import { IndexLoadError, loadIndex } from '../src/store/load.js';
import { FORMAT_VERSION } from '../src/store/format/manifest.js';
import { TOKENIZER_VERSION } from '../src/text/tokenize.js';
import { copyFixtureIndex } from './helpers/fixture-index.js';
import { copyFixtureDocs, FIXTURE_CHANGELOGS, tempDir } from './helpers/fixtures.js';
import { indexFile } from './helpers/index-files.js';

let work: { dir: string; cleanup: () => Promise<void> };
let docs: string;
let index: string;
const build = (extra: Partial<Parameters<typeof buildIndex>[0]> = {}) =>
  buildIndex({ docsDir: docs, changelogsDir: FIXTURE_CHANGELOGS, baseUrl: DEFAULT_BASE_URL, indexDir: index, embedder: 'local', modelsDir: path.join(work.dir, 'models'), ...extra });

beforeEach(async () => {
  work = await tempDir();
  docs = await copyFixtureDocs(work.dir);
  index = path.join(work.dir, 'index-data');
});
afterEach(async () => work.cleanup());

// The first test builds its index; the others start from a copy of the run's shared fixture
// index (the same build of the same docs), then damage it or build on it.
describe('building and loading an index', () => {
  it('round-trips: build, load, and answer a query from the fixture docs', async () => {
    const summary = await build();
    // broken.mdx is not valid MDX: indexed as plain Markdown, counted as a fallback, not a failure.
    // The two changelog entries are pages too.
    expect(summary.files).toMatchObject({ total: 7, added: 7, parsed: 7, fallback: 1, failed: 0 });
    expect(summary.warnings.map((w) => `${w.path}:${w.line}`)).toEqual(['broken.mdx:7']);
    const engine = await openEngine(index, { modelsDir: '' });
    expect(engine.index.manifest.counts).toMatchObject({ docs: 7, chunks: summary.chunks, changelog: 2 });
    const results = await engine.retriever.search('wind tunnel sandbox test flights', { limit: 3 });
    expect(results[0]?.path).toBe('guide/testing');
    expect(results[0]?.url).toBe('https://workos.com/docs/guide/testing#wind-tunnel-sandbox');
    const byIdentifier = await engine.retriever.search('createWidget', { limit: 1 });
    expect(byIdentifier[0]?.path).toBe('reference/widgets/create');
  });

  it('re-embeds only the chunks of an edited file on an incremental run', async () => {
    await copyFixtureIndex(index);
    const chunksBefore = loadIndex(index).chunks.length;
    const before = loadIndex(index).chunks.filter((c) => c.docId === 'guide/testing');
    const file = path.join(docs, 'guide', 'testing.mdx');
    await writeFile(file, (await readFile(file, 'utf8')).replace('simulates gusts', 'simulates strong gusts and rain'));
    const second = await build();
    const after = loadIndex(index).chunks.filter((c) => c.docId === 'guide/testing');
    const changed = after.filter((c) => !before.some((b) => b.hash === c.hash)).length;
    expect(changed).toBe(1);
    expect(second.chunksEmbedded).toBe(changed);
    expect(second.files).toMatchObject({ changed: 1, added: 0, removed: 0, parsed: 1 });
    expect(second.refitted).toBe(false);
    expect(second.chunks).toBe(chunksBefore);
  });

  it('re-parses the pages that use a shared description when the file defining it changes, and only those', async () => {
    await copyFixtureIndex(index);
    const widgetText = () => loadIndex(index).chunks.filter((c) => c.docId === 'reference/widgets/create').map((c) => c.text).join('\n');
    expect(widgetText()).toContain('Identifies the hangar that makes the request.');
    const file = path.join(docs, 'reference', 'index.mdx');
    await writeFile(file, (await readFile(file, 'utf8')).replace('Identifies the hangar that makes the request.', 'Names the hangar that sends the request.'));
    const summary = await build();
    expect(summary.files).toMatchObject({ changed: 1, parsed: 2 });
    expect(widgetText()).toContain('Names the hangar that sends the request.');
    // A body-only edit of a reference file leaves the registry alone: nothing else is parsed.
    await appendFile(file, '\n\nA note at the end.\n');
    expect((await build()).files).toMatchObject({ changed: 1, parsed: 1 });
  });

  it('drops the chunks of a deleted file', async () => {
    await copyFixtureIndex(index);
    expect(loadIndex(index).chunks.some((c) => c.docId === 'guide/testing')).toBe(true);
    await rm(path.join(docs, 'guide', 'testing.mdx'));
    const summary = await build();
    expect(summary.files.removed).toBe(1);
    const loaded = loadIndex(index);
    expect(loaded.chunks.some((c) => c.docId === 'guide/testing')).toBe(false);
    expect(loaded.docs.some((d) => d.id === 'guide/testing')).toBe(false);
  });

  it('refuses a corrupt manifest with the file name and the fix', async () => {
    await copyFixtureIndex(index);
    await writeFile(indexFile(index, 'manifest.json'), '{"formatVersion": 1, "oops"');
    expect(() => loadIndex(index)).toThrow(IndexLoadError);
    expect(() => loadIndex(index)).toThrow(/manifest\.json: it is not valid JSON[\s\S]*ingest --full/);
  });

  it('refuses a manifest of another format version', async () => {
    await copyFixtureIndex(index);
    const file = indexFile(index, 'manifest.json');
    await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, 'utf8')), formatVersion: 99 }));
    expect(() => loadIndex(index)).toThrow(new RegExp(`format version 99, this program reads version ${FORMAT_VERSION}[\\s\\S]*ingest --full`));
  });

  it('refuses to serve an index built with another tokenizer; an incremental build refits and re-embeds it without re-parsing', async () => {
    await copyFixtureIndex(index);
    const file = indexFile(index, 'manifest.json');
    await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, 'utf8')), tokenizerVersion: 1 }));
    expect(() => loadIndex(index)).toThrow(/tokenizer version 1[\s\S]*ingest --full/);
    const summary = await build();
    expect(summary.full).toBe(false);
    expect(summary.files.parsed).toBe(0);
    expect(summary.refitted).toBe(true);
    expect(summary.chunksEmbedded).toBe(summary.chunks);
    expect(loadIndex(index).manifest.tokenizerVersion).toBe(TOKENIZER_VERSION);
  });

  it('refuses a truncated vector file', async () => {
    await copyFixtureIndex(index);
    await truncate(indexFile(index, 'vectors.bin'), 100);
    expect(() => loadIndex(index)).toThrow(/vectors\.bin: it is 100 bytes, the manifest says \d+/);
  });

  it('refuses a bit-flipped file whose size is unchanged', async () => {
    await copyFixtureIndex(index);
    const file = indexFile(index, 'vectors.hnsw');
    const bytes = await readFile(file);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    await writeFile(file, bytes);
    expect(() => loadIndex(index)).toThrow(/vectors\.hnsw: its checksum does not match/);
  });

  it('keeps the previous index loadable when a build fails halfway', async () => {
    await copyFixtureIndex(index);
    const manifestBefore = await readFile(indexFile(index, 'manifest.json'), 'utf8');
    await appendFile(path.join(docs, 'guide', 'testing.mdx'), '\n\n## New section\n\nMore text.\n');
    await expect(build({ beforeWrite: () => Promise.reject(new Error('disk full (simulated)')) })).rejects.toThrow(/simulated/);
    expect(await readFile(indexFile(index, 'manifest.json'), 'utf8')).toBe(manifestBefore);
    const engine = await openEngine(index, { modelsDir: '' });
    expect((await engine.retriever.search('wind tunnel', { limit: 1 }))[0]?.path).toBe('guide/testing');
  });

  it('recovers with a full build after damage', async () => {
    await copyFixtureIndex(index);
    await truncate(indexFile(index, 'lexical.bin'), 0);
    expect(() => loadIndex(index)).toThrow(/lexical\.bin/);
    const summary = await build({ full: true });
    expect(summary.full).toBe(true);
    expect(loadIndex(index).chunks.length).toBe(summary.chunks);
  });
});
