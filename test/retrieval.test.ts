import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build.js';
import { openEngine, type DocsEngine } from '../src/core/engine.js';
import { DEFAULT_RETRIEVER_PARAMS, Retriever, type RetrieverParams } from '../src/core/retriever.js';
import { FusionState } from '../src/core/fusion-state.js';
import type { Chunk } from '../src/types.js';
import { LexicalIndex } from '../src/store/lexical.js';
import { tempDir } from './helpers/fixtures.js';

// A small corpus written for these tests: each doc exists to exercise one ranking behaviour.
const PROSE = 'Paper planes need care. Fold the nose evenly, crease the wings, and check the balance before every launch.';
const DOCS: Record<string, string> = {
  'vault/_navigation.mdx': `---
title: Vault
links:
  - title: Getting Started
    links:
      - title: Overview
        url: /vault
      - title: Key Context
        url: /vault/key-context
---
`,
  'vault/index.mdx': `---
title: Vault
description: Vault stores secrets for your planes.
---

## Storing secrets

Vault encrypts each secret and stores it. ${PROSE}
`,
  'vault/key-context.mdx': `---
title: Key Context
---

## Key matching

The context you pass decides which encryption key protects a secret. Keys are matched on every context value.
`,
  'folding.mdx': `---
title: Folding widgets
---

## Folding

Widget folding explained: when a widget is folded, the folded widget is stored. Folded widgets are
sent to the hangar when folding finishes, and the fold is checked again. ${PROSE}
`,
  'manual.mdx': `---
title: Flight manual
---

## Crosswind landing procedure

${Array.from({ length: 12 }, (_, i) => `Step ${i + 1} of the crosswind landing: lower the upwind wing, keep the nose on the runway line and hold the crosswind correction until touchdown, then check the landing gear again.`).join('\n\n')}
`,
  'events.mdx': `---
title: Events
---

## Event types

- \`plane.launched\`: a plane took off.
- \`widget.folded\`: emitted once per widget after the last crease.
- \`plane.landed\`: a plane came back.
`,
};
let work: Awaited<ReturnType<typeof tempDir>>;
let engine: DocsEngine;
const withParams = (params: Partial<RetrieverParams>) =>
  Retriever.fromIndex(engine.index, engine.embedder, { ...DEFAULT_RETRIEVER_PARAMS, ...params });


beforeAll(async () => {
  work = await tempDir();
  const docs = path.join(work.dir, 'docs');
  for (const [name, text] of Object.entries(DOCS)) {
    await mkdir(path.dirname(path.join(docs, name)), { recursive: true });
    await writeFile(path.join(docs, name), text);
  }
  const indexDir = path.join(work.dir, 'index-data');
  await buildIndex({ docsDir: docs, changelogsDir: null, indexDir, embedder: 'local', modelsDir: path.join(work.dir, 'models') });
  engine = await openEngine(indexDir, { modelsDir: '' });
});
afterAll(async () => work.cleanup());

describe('ranking behaviours', () => {
  it('ranks the page that defines an exact identifier above prose that repeats its words', async () => {
    const query = 'when is widget.folded sent?';
    expect((await engine.retriever.search(query, { limit: 1 }))[0]?.path).toBe('events');
    expect((await withParams({ identifierWeight: 0 }).search(query, { limit: 1 }))[0]?.path).toBe('folding');
  });

  it('gives every chunk its navigation breadcrumb, so a subpage matches its product name', async () => {
    const chunk = engine.index.chunks.find((c) => c.docId === 'vault/key-context');
    expect(chunk?.context).toEqual(['Vault', 'Getting Started']);
    const results = await engine.retriever.search('vault encryption key context', { limit: 2 });
    expect(results[0]?.path).toBe('vault/key-context');
  });
});

describe('result lists', () => {
  it('never shows two chunks of one section, even when its parts match best', async () => {
    const parts = engine.index.chunks.filter((c) => c.docId === 'manual' && c.anchor === 'crosswind-landing-procedure');
    expect(parts.length).toBeGreaterThan(1);
    const results = await engine.retriever.search('crosswind landing procedure runway touchdown', { limit: 5 });
    const sections = results.map((r) => r.url);
    expect(sections.filter((u) => u.endsWith('#crosswind-landing-procedure'))).toHaveLength(1);
    expect(new Set(sections).size).toBe(sections.length);
  });
});

describe('lexical top-k search', () => {
  it('leaves no scores behind for the next search when a filter throws midway', () => {
    const docs = ['alpha beta', 'beta gamma', 'gamma alpha', 'alpha alpha beta'].map((body) => ({ title: '', heading: '', body }));
    const index = LexicalIndex.build(docs);
    const expected = LexicalIndex.build(docs).search('gamma', 10);
    expect(() =>
      index.search('alpha beta', 10, (i) => {
        if (i === 1) throw new Error('filter failed');
        return true;
      }),
    ).toThrow('filter failed');
    expect(index.search('gamma', 10)).toEqual(expected);
  });

  it('keeps, of equal scores, the lowest documents in document order, at any limit and with a filter', () => {
    // Three groups of identical documents, interleaved: every document of a group scores the same.
    const bodies = ['kestrel kestrel heron', 'kestrel heron', 'heron'];
    const docs = Array.from({ length: 90 }, (_, i) => ({ title: '', heading: '', body: bodies[i % 3] as string }));
    const index = LexicalIndex.build(docs);
    const expected = (limit: number, allow?: (i: number) => boolean) =>
      index.searchExhaustive('kestrel heron', limit, allow).map((r) => r.index);
    for (const limit of [1, 7, 30, 31, 45, 89, 90, 200]) {
      const found = index.search('kestrel heron', limit).map((r) => r.index);
      expect(found).toEqual(expected(limit));
      expect(found.slice(0, Math.min(limit, 30))).toEqual(Array.from({ length: Math.min(limit, 30) }, (_, i) => i * 3));
    }
    const odd = (i: number) => i % 2 === 1;
    expect(index.search('kestrel heron', 20, odd).map((r) => r.index)).toEqual(expected(20, odd));
  });

  it('returns the same scores as scoring every posting, for random corpora, queries, limits and filters', () => {
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    // Zipf-like vocabulary: a few very common words and a long tail, as in real docs.
    const vocab = Array.from({ length: 300 }, (_, i) => `w${i}x`);
    const word = () => vocab[Math.floor(vocab.length * rand() ** 3)] as string;
    const text = (n: number) => Array.from({ length: n }, word).join(' ');
    const docs = Array.from({ length: 1000 }, () => ({ title: text(3), heading: text(4), body: text(20 + Math.floor(rand() * 200)) }));
    const index = LexicalIndex.build(docs);
    let compared = 0;
    for (let q = 0; q < 200; q++) {
      const query = text(1 + Math.floor(rand() * 12));
      const limit = [1, 5, 60, 500][q % 4] as number;
      const allow = q % 3 === 0 ? (i: number) => i % 7 !== 0 : undefined;
      const fast = index.search(query, limit, allow);
      const exact = index.searchExhaustive(query, limit, allow);
      // One expect per query, not one matcher per result (up to 500): the comparison is what costs.
      const differ = fast.length === exact.length ? fast.findIndex((r, i) => Math.abs(r.score - (exact[i]?.score ?? NaN)) >= 5e-10) : 0;
      expect(differ === -1 ? [] : { query, limit, at: differ, fast: fast.map((r) => r.score), exact: exact.map((r) => r.score) }).toEqual([]);
      expect(fast.filter((r) => allow && !allow(r.index))).toEqual([]);
      compared += exact.length;
    }
    expect(compared).toBeGreaterThan(10_000);
  });
});

describe('the fused order', () => {
  it('ranks chunks by score, best first, and of equal scores the lower chunk first, as a comparator sort would', () => {
    const chunks = Array.from({ length: 500 }, (_, i) => ({ docId: `d${i % 40}` }) as Chunk);
    const state = new FusionState(chunks, []);
    let seed = 11;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    // Reciprocal-rank sums: many exactly equal, some a rank apart, a few far apart.
    const touched = Array.from({ length: 300 }, (_, i) => (i * 7) % 500);
    for (const index of touched) state.score[index] = 1 / (60 + Math.floor(rand() * 20)) + (rand() < 0.5 ? 0 : 0.5 / (60 + Math.floor(rand() * 5)));
    const expected = touched.map((index) => ({ index, score: state.score[index] as number })).sort((a, b) => b.score - a.score || a.index - b.index);
    expect(state.ranked([...touched])).toEqual(expected);
    expect(new Set(expected.map((c) => c.score)).size).toBeLessThan(200);
  });

  it('orders sums that differ only in their last bits, the same terms added in another order, as a comparator sort would', () => {
    const chunks = Array.from({ length: 400 }, (_, i) => ({ docId: `d${i}` }) as Chunk);
    const state = new FusionState(chunks, []);
    const touched: number[] = [];
    let nearlyEqual = 0;
    for (let i = 0; i < 200; i++) {
      const terms = [1 / (60 + (i % 13)), 0.5 / (61 + (i % 17)), 1.25 / (62 + (i % 19))];
      const forward = (terms[0] as number) + (terms[1] as number) + (terms[2] as number);
      const backward = (terms[2] as number) + (terms[1] as number) + (terms[0] as number);
      if (forward !== backward) nearlyEqual++;
      // The backward sum goes to the lower chunk half the time, so ties in the key run both ways.
      state.score[2 * i] = i % 2 ? backward : forward;
      state.score[2 * i + 1] = i % 2 ? forward : backward;
      touched.push(2 * i + 1, 2 * i);
    }
    const expected = touched.map((index) => ({ index, score: state.score[index] as number })).sort((a, b) => b.score - a.score || a.index - b.index);
    expect(state.ranked(touched)).toEqual(expected);
    expect(nearlyEqual).toBeGreaterThan(10);
  });

  it('falls back to a comparator sort for scores its keys cannot hold: none above zero, negative, infinite', () => {
    const chunks = Array.from({ length: 4 }, (_, i) => ({ docId: `d${i}` }) as Chunk);
    for (const scores of [[0, 0, 0, 0], [0.5, -0.25, 0.5, 0], [Infinity, 1, 2, Infinity]]) {
      const state = new FusionState(chunks, []);
      scores.forEach((x, i) => (state.score[i] = x));
      expect(state.ranked([3, 2, 1, 0]).map((c) => c.index)).toEqual([0, 1, 2, 3].sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b));
    }
  });
});
