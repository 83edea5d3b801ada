import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build.js';
import { DEFAULT_CHUNK_OPTIONS } from '../ingest/chunk.js';
import { readManifest } from '../src/store/load.js';
import type { Manifest } from '../src/store/format/manifest.js';
import { FIXTURE_CHANGELOGS, FIXTURE_DOCS, tempDir } from './helpers/fixtures.js';
import { indexFile } from './helpers/index-files.js';

// Each test builds the fixture index, changes one setting the manifest records (as an index built
// by another version or configuration of the program would have it), and runs an incremental build.
// The tokenizer version is covered in index.test.ts.
let work: Awaited<ReturnType<typeof tempDir>>;
let index: string;
const logs: string[] = [];
const build = () =>
  buildIndex({ docsDir: FIXTURE_DOCS, changelogsDir: FIXTURE_CHANGELOGS, indexDir: index, embedder: 'local', modelsDir: path.join(work.dir, 'models'), log: (line) => logs.push(line) });
const recordInManifest = async (change: (manifest: Manifest) => void) => {
  const file = indexFile(index, 'manifest.json');
  const manifest = JSON.parse(await readFile(file, 'utf8')) as Manifest;
  change(manifest);
  await writeFile(file, JSON.stringify(manifest, null, 2));
};

beforeEach(async () => {
  work = await tempDir();
  index = path.join(work.dir, 'index-data');
  logs.length = 0;
});
afterEach(async () => work.cleanup());

describe('an incremental build decides from every setting the previous build recorded', () => {
  it('re-chunks every file when the recorded chunk sizes differ, and reuses the vectors of unchanged chunks', async () => {
    const first = await build();
    await recordInManifest((m) => (m.chunker.target = DEFAULT_CHUNK_OPTIONS.target + 500));
    const second = await build();
    expect(second.full).toBe(false);
    expect(second.files.parsed).toBe(first.files.parsed);
    expect(second.chunksEmbedded).toBe(0);
    expect(second.refitted).toBe(false);
    expect(logs).toContain('chunker changed (target): re-chunking every file');
    expect(readManifest(index).chunker.target).toBe(DEFAULT_CHUNK_OPTIONS.target);
  });

  it('refits the local model and re-embeds every chunk when a recorded local embedder param differs, without re-parsing', async () => {
    await build();
    await recordInManifest((m) => (m.embedder.params.minDf = 5));
    const second = await build();
    expect(second.full).toBe(false);
    expect(second.files.parsed).toBe(0);
    expect(second.refitted).toBe(true);
    expect(second.chunksEmbedded).toBe(second.chunks);
    expect(logs).toContain('local embedder params changed (minDf): refitting and re-embedding');
    expect(readManifest(index).embedder.params.minDf).toBe(2);
  });

  it('fits the local model with the seed a build is given, records it, and refits with the default seed the next time', async () => {
    const seeded = await buildIndex({ docsDir: FIXTURE_DOCS, changelogsDir: FIXTURE_CHANGELOGS, indexDir: index, embedder: 'local', modelsDir: path.join(work.dir, 'models'), embedderSeed: 7 });
    expect(seeded.refitted).toBe(true);
    expect(readManifest(index).embedder.params.seed).toBe(7);
    const vectors = await readFile(indexFile(index, 'vectors.bin'));
    const second = await build();
    expect(second.refitted).toBe(true);
    expect(logs).toContain('local embedder params changed (seed): refitting and re-embedding');
    expect(readManifest(index).embedder.params.seed).toBe(42);
    // Another draw of the model: other vectors for the same chunks.
    expect((await readFile(indexFile(index, 'vectors.bin'))).equals(vectors)).toBe(false);
  });

  it('reuses everything when only the recorded HNSW params differ, and records the current ones', async () => {
    await build();
    await recordInManifest((m) => (m.hnsw.m = 8));
    const second = await build();
    expect(second).toMatchObject({ full: false, chunksEmbedded: 0, refitted: false });
    expect(second.files.parsed).toBe(0);
    expect(readManifest(index).hnsw.m).toBe(16);
  });
});
