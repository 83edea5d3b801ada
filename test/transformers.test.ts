import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build.js';
import { openEngine } from '../src/core/engine.js';
import { createTransformersEmbedder } from '../src/embed/transformers.js';
import { makeTinyModel } from './helpers/tiny-model.js';
import { FIXTURE_CHANGELOGS, FIXTURE_DOCS, tempDir } from './helpers/fixtures.js';

// The real @xenova/transformers pipeline, offline, on a tiny model this repo generates.
let work: Awaited<ReturnType<typeof tempDir>>;
let modelsDir: string;
beforeAll(async () => {
  work = await tempDir();
  modelsDir = path.join(work.dir, 'models');
  await makeTinyModel(path.join(modelsDir, 'test', 'tiny-bert'), { dimension: 32 });
});
afterAll(async () => work.cleanup());

describe('the transformers embedder', () => {
  it('loads a local model offline and returns unit vectors of its dimension', async () => {
    const embedder = await createTransformersEmbedder({ model: 'test/tiny-bert', modelsDir });
    expect(embedder.info).toMatchObject({ kind: 'transformers', model: 'test/tiny-bert', dimension: 32 });
    const [a, b] = await embedder.embedPassages(['single sign on test', 'vault encrypt secret']);
    const norm = Math.hypot(...(a ?? []));
    expect(norm).toBeCloseTo(1, 5);
    const q = await embedder.embedQuery('single sign on test');
    const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * (y[i] ?? 0), 0);
    expect(dot(q, a as Float32Array)).toBeGreaterThan(dot(q, b as Float32Array));
  });

  it('builds an index, records the model in the manifest, and answers queries with it', async () => {
    const indexDir = path.join(work.dir, 'index-tf');
    const summary = await buildIndex({ docsDir: FIXTURE_DOCS, changelogsDir: FIXTURE_CHANGELOGS, indexDir, embedder: 'transformers', model: 'test/tiny-bert', modelsDir });
    expect(summary.chunksEmbedded).toBe(summary.chunks);
    const engine = await openEngine(indexDir, { modelsDir });
    expect(engine.index.manifest.embedder).toMatchObject({ kind: 'transformers', model: 'test/tiny-bert', dimension: 32 });
    const results = await engine.retriever.search('wind tunnel sandbox', { limit: 1 });
    expect(results[0]?.path).toBe('guide/testing');
  });

  it('refuses to serve an index whose model now has another dimension', async () => {
    const indexDir = path.join(work.dir, 'index-mismatch');
    const otherModels = path.join(work.dir, 'models-b');
    await makeTinyModel(path.join(otherModels, 'test', 'tiny-bert'), { dimension: 32 });
    await buildIndex({ docsDir: FIXTURE_DOCS, changelogsDir: null, indexDir, embedder: 'transformers', model: 'test/tiny-bert', modelsDir: otherModels });
    await makeTinyModel(path.join(otherModels, 'test', 'tiny-bert'), { dimension: 48 });
    await expect(openEngine(indexDir, { modelsDir: otherModels })).rejects.toThrow(/built with transformers\/test\/tiny-bert \(dimension 32\).*dimension 48/);
  });

  it('says how to get a model when it is missing', async () => {
    await expect(createTransformersEmbedder({ model: 'Xenova/all-MiniLM-L6-v2', modelsDir })).rejects.toThrow(
      /No transformers model "Xenova\/all-MiniLM-L6-v2"[\s\S]*workos-docs-mcp fetch-model Xenova\/all-MiniLM-L6-v2/,
    );
  });
});
