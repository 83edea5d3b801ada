import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../src/core/engine.js';
import { Retriever } from '../src/core/retriever.js';
import { ARTIFACTS, chunkRecords, CODECS, joinChunkTexts } from '../src/store/format/codecs.js';
import { docCentroids } from '../src/store/doc-centroids.js';
import { readIndex, readIndexForServing, startHnsw, writeIndex, type LoadedIndex, type ManifestFields } from '../src/store/format/index-format.js';
import { resolveIndexFolder } from '../src/store/index-dir.js';
import { IndexWriter } from '../src/store/index-writer.js';
import { IndexLoadError } from '../src/store/load.js';
import { PackedStrings } from '../src/store/string-table.js';
import { useFixtureIndexDir } from './helpers/fixture-index.js';

// The run's shared fixture index is only read here; the write-back goes to a temp folder.
const fixture = useFixtureIndexDir();
let folder: string;
let index: LoadedIndex;

beforeAll(() => {
  folder = resolveIndexFolder(fixture.dir).folder;
  index = readIndex(folder);
});

describe('the index format: one module writes and reads every component', () => {
  it('writes back, byte for byte, the files of an index it has read', async () => {
    const copyDir = path.join(fixture.work, 'copy');
    const writer = await IndexWriter.open(copyDir);
    try {
      const dimension = index.manifest.embedder.dimension;
      const flat = new Float32Array(index.vectors.length * dimension);
      index.vectors.forEach((v, i) => flat.set(v, i * dimension));
      const vectors = { flat, dimension };
      const hnsw = await startHnsw(writer, vectors, index.manifest.hnsw);
      await hnsw.built;
      const registryParts = CODECS.registry.decode(await readFile(path.join(folder, ARTIFACTS.registry)), undefined);
      const fields: Partial<typeof index.manifest> = { ...index.manifest };
      delete fields.formatVersion;
      delete fields.artifacts;
      const { chunks, docs, navigation, changelog, lexical, localEmbedder } = index;
      await writeIndex(writer, { chunks, docs, navigation, changelog, registryParts, vectors, lexical, localEmbedder }, fields as ManifestFields);
    } finally {
      await writer.release();
    }
    const copy = resolveIndexFolder(copyDir).folder;
    for (const name of Object.keys(index.manifest.artifacts)) {
      expect(await readFile(path.join(copy, name)), name).toEqual(await readFile(path.join(folder, name)));
    }
    expect(await readFile(path.join(copy, 'manifest.json'), 'utf8')).toBe(await readFile(path.join(folder, 'manifest.json'), 'utf8'));
  });

  it('lists in the manifest exactly the files a codec owns, under unchanged file names', async () => {
    const files = (await readdir(folder)).filter((f) => f !== 'manifest.json' && f !== '.workos-docs-mcp').sort();
    expect(files).toEqual(Object.values(ARTIFACTS).sort());
    expect(Object.keys(index.manifest.artifacts).sort()).toEqual(files);
    expect(ARTIFACTS).toMatchObject({ lexicalChunks: 'lexical.bin', lexicalDocs: 'doc-lexical.bin', lexicalFulltext: 'doc-fulltext.bin', hnsw: 'vectors.hnsw' });
  });

  it('refuses a record that does not match its schema, saying what is wrong', () => {
    expect(() => CODECS.chunks.decode(Buffer.from(JSON.stringify([{ id: 'a', docId: 'b' }])), undefined)).toThrow(/its content is invalid \(.*Required/s);
    expect(() => CODECS.docs.decode(Buffer.from(JSON.stringify({ docs: [], navigation: [{ title: 3 }] })), undefined)).toThrow(/its content is invalid/);
    expect(() => CODECS.changelog.decode(Buffer.from('[{"date":"2024-01-01"}]'), undefined)).toThrow(/its content is invalid/);
    const records = CODECS.chunks.decode(Buffer.from(CODECS.chunks.encode(chunkRecords(index.chunks))), undefined);
    expect(joinChunkTexts(records, index.chunkTexts, true)).toEqual(index.chunks.map((c) => ({ ...c, text: c.text })));
    expect(() => joinChunkTexts(records, PackedStrings.of(['one text']), false)).toThrow(`holds 1 texts for ${index.chunks.length} chunks`);
  });

  it('refuses a component that does not fit the rest of the index, and the reader names the file', async () => {
    const docsIndex = Buffer.from(CODECS.lexicalDocs.encode(index.lexical.docs));
    expect(() => CODECS.lexicalDocs.decode(docsIndex, { size: index.docs.length + 1, what: 'docs' })).toThrow(
      `covers ${index.docs.length} docs, expected ${index.docs.length + 1}`,
    );
    const vectors = Buffer.from(CODECS.vectors.encode({ flat: new Float32Array(6), dimension: 3, docCentroids: new Float32Array(3) }));
    expect(() => CODECS.vectors.decode(vectors, { count: 3, docCount: 1, dimension: 3 })).toThrow('expected 3 vectors of dimension 3');
    expect(() => CODECS.vectors.decode(vectors, { count: 2, docCount: 2, dimension: 3 })).toThrow('expected 2 doc centroids of dimension 3');
    expect(() => readIndex(path.join(fixture.work, 'nowhere'))).toThrow(IndexLoadError);
  });

  it('keeps chunk texts apart: a server reads each on use and gets the text the build wrote', () => {
    const served = readIndexForServing(folder);
    expect(served.chunks.length).toBe(index.chunks.length);
    served.chunks.forEach((chunk, i) => expect(chunk.text).toBe(index.chunks[i]?.text));
    expect(served.chunks.every((c, i) => c.id === index.chunks[i]?.id && c.heading.join('/') === index.chunks[i]?.heading.join('/'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(folder, ARTIFACTS.chunks), 'utf8'))[0]).not.toHaveProperty('text');
  });

  it('stores each doc\'s centroid, equal to what search would compute from the chunk vectors', () => {
    const computed = docCentroids(index.chunks, index.vectors, index.docIds);
    expect(index.docCentroids.length).toBe(index.docIds.length * index.manifest.embedder.dimension);
    expect(Array.from(index.docCentroids)).toEqual(Array.from(computed));
  });

  it('reads the three lexical indexes under one set of names: chunks, docs and fulltext', () => {
    expect(index.lexical.chunks.size).toBe(index.chunks.length);
    expect(index.lexical.docs.size).toBe(index.docs.length);
    expect(index.lexical.fulltext.size).toBe(index.docs.length);
  });
});

describe('Retriever.fromIndex', () => {
  it('searches a loaded index exactly as the engine built from the same folder does', async () => {
    const engine = await openEngine(fixture.dir, { modelsDir: '' });
    const retriever = Retriever.fromIndex(index, index.localEmbedder!);
    for (const query of ['wind tunnel sandbox test flights', 'createWidget', 'hangar request']) {
      const results = await retriever.search(query, { limit: 5 });
      expect(results.length).toBeGreaterThan(0);
      expect(results).toEqual(await engine.retriever.search(query, { limit: 5 }));
    }
    expect((await retriever.search('createWidget', { limit: 1 }))[0]?.path).toBe('reference/widgets/create');
  });
});

describe('docs.json', () => {
  it('is written a doc at a time, and the pieces are exactly JSON.stringify of the docs and navigation', () => {
    const value = { docs: index.docs, navigation: index.navigation };
    const pieces = [...CODECS.docs.encode(value)];
    expect(pieces.length).toBe(index.docs.length + 2);
    expect(pieces.join('')).toBe(JSON.stringify(value));
    expect([...CODECS.docs.encode({ docs: [], navigation: [] })].join('')).toBe('{"docs":[],"navigation":[]}');
  });
});
