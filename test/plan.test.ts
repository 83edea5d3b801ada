import { describe, expect, it } from 'vitest';
import { needsRefit, planBuild, sameEmbedding, type BuildSettings } from '../ingest/plan.js';

const settings = (over: Partial<BuildSettings> = {}): BuildSettings => ({
  formatVersion: 4,
  embedder: { kind: 'local', model: 'lsa', params: { dimension: 256, minDf: 2, sigmaExponent: 0, powerIterations: 2, seed: 42, maxFitTexts: 20000 } },
  chunker: { version: 3, target: 1200, max: 2400, min: 200 },
  urls: 'https://example.com/docs',
  tokenizerVersion: 2,
  hnsw: { m: 16, efConstruction: 100, efSearch: 128, seed: 100 },
  ...over,
});
const reuse = (plan: ReturnType<typeof planBuild>) => ({ parsed: plan.reuseParsed, vectors: plan.reuseVectors, model: plan.reuseModel });
const ALL = { parsed: true, vectors: true, model: true };
const NONE = { parsed: false, vectors: false, model: false };

describe('planning what an incremental build reuses', () => {
  it('reuses everything, with no reason logged, when every recorded setting is the same', () => {
    const plan = planBuild(settings(), settings());
    expect(reuse(plan)).toEqual(ALL);
    expect(plan.reasons).toEqual([]);
  });

  it('reuses nothing for --full, without a previous index, or across index formats', () => {
    expect(reuse(planBuild(settings(), settings(), true))).toEqual(NONE);
    expect(reuse(planBuild(undefined, settings()))).toEqual(NONE);
    const plan = planBuild(settings({ formatVersion: 3 }), settings());
    expect(reuse(plan)).toEqual(NONE);
    expect(plan.reasons).toEqual(['index format changed (3 → 4)']);
  });

  it('refits the local model of an index built before a param existed, naming the param', () => {
    const before = settings();
    const now = settings({ embedder: { kind: 'local', model: 'lsa', params: { ...before.embedder.params, commonDirections: 1 } } });
    const plan = planBuild(before, now);
    expect(reuse(plan)).toEqual({ parsed: true, vectors: false, model: false });
    expect(plan.reasons).toEqual(['local embedder params changed (commonDirections): refitting and re-embedding']);
  });

  it('keeps the parsed files but re-embeds and refits when the embedder model or kind changes', () => {
    const transformers = settings({ embedder: { kind: 'transformers', model: 'Xenova/all-MiniLM-L6-v2', params: {} } });
    const plan = planBuild(settings(), transformers);
    expect(reuse(plan)).toEqual({ parsed: true, vectors: false, model: false });
    expect(plan.reasons[0]).toMatch(/^embedder changed \(local\/lsa → transformers\/Xenova\/all-MiniLM-L6-v2\)/);
    const other = settings({ embedder: { kind: 'transformers', model: 'Xenova/bge-small-en-v1.5', params: {} } });
    expect(reuse(planBuild(transformers, other))).toEqual({ parsed: true, vectors: false, model: false });
  });

  it('refits the local model when one of its params changes, naming the param, and ignores the recorded vocabulary size', () => {
    const recorded = settings();
    recorded.embedder.params = { ...recorded.embedder.params, vocabulary: 5123 };
    expect(reuse(planBuild(recorded, settings()))).toEqual(ALL);
    const wanted = settings();
    wanted.embedder.params = { ...wanted.embedder.params, minDf: 3 };
    const plan = planBuild(recorded, wanted);
    expect(reuse(plan)).toEqual({ parsed: true, vectors: false, model: false });
    expect(plan.reasons).toEqual(['local embedder params changed (minDf): refitting and re-embedding']);
  });

  it('re-chunks every file when the chunker version or any chunk size changes, keeping vectors and model', () => {
    for (const chunker of [
      { version: 4, target: 1200, max: 2400, min: 200 },
      { version: 3, target: 800, max: 2400, min: 200 },
      { version: 3, target: 1200, max: 3000, min: 200 },
      { version: 3, target: 1200, max: 2400, min: 100 },
    ]) {
      const plan = planBuild(settings(), settings({ chunker }));
      expect(reuse(plan)).toEqual({ parsed: false, vectors: true, model: true });
      expect(plan.reasons[0]).toMatch(/^chunker changed \((version|target|max|min)\): re-chunking every file$/);
    }
  });

  it("re-parses every file when a source's base URL or prefix changes, keeping vectors (URLs are not embedded)", () => {
    const plan = planBuild(settings(), settings({ urls: 'https://example.org/docs' }));
    expect(reuse(plan)).toEqual({ parsed: false, vectors: true, model: true });
    expect(plan.reasons).toEqual([
      "sources' prefixes or base URLs changed (were https://example.com/docs; now https://example.org/docs): re-parsing every file",
    ]);
  });

  it('refits the local model on a new tokenizer version, but keeps transformers vectors', () => {
    expect(reuse(planBuild(settings({ tokenizerVersion: 1 }), settings()))).toEqual({ parsed: true, vectors: false, model: false });
    const transformers = { kind: 'transformers' as const, model: 'Xenova/all-MiniLM-L6-v2', params: {} };
    const plan = planBuild(settings({ tokenizerVersion: 1, embedder: transformers }), settings({ embedder: transformers }));
    expect(reuse(plan)).toEqual({ parsed: true, vectors: true, model: false });
  });

  it('reuses everything when only the HNSW params change, since the graph is rebuilt by every build', () => {
    const plan = planBuild(settings(), settings({ hnsw: { m: 32, efConstruction: 200, efSearch: 64, seed: 7 } }));
    expect(reuse(plan)).toEqual(ALL);
  });

  it('refits only when more than a fifth of the chunks, and more than 50, are new', () => {
    expect(needsRefit(50, 100)).toBe(false);
    expect(needsRefit(51, 100)).toBe(true);
    expect(needsRefit(200, 1000)).toBe(false);
    expect(needsRefit(201, 1000)).toBe(true);
  });

  it('treats transformers vectors as reusable only with the same params (prefixes, quantization)', () => {
    const info = { kind: 'transformers' as const, model: 'm', dimension: 384, params: { pooling: 'mean', quantized: true } };
    expect(sameEmbedding(info, { ...info, params: { pooling: 'mean', quantized: true } })).toBe(true);
    expect(sameEmbedding(info, { ...info, params: { pooling: 'mean', quantized: false } })).toBe(false);
    expect(sameEmbedding(info, { ...info, dimension: 768 })).toBe(false);
    const local = { kind: 'local' as const, model: 'lsa', dimension: 256, params: { vocabulary: 10 } };
    expect(sameEmbedding(local, { ...local, params: { vocabulary: 12 } })).toBe(true);
  });
});
